"""Offline speech recognition: CTranslate2 Whisper models from local folders, file and live transcription.

Heavy libraries (ctranslate2, faster-whisper, PyAV) are imported inside the functions that need them, never here.
"""

from asr.errors import (
    AsrError,
    AudioDecodeError,
    AudioError,
    AudioNotFoundError,
    EmptyAudioError,
    ModelFolderError,
    ModelLoadError,
    TranscriptionCancelled,
    UnsupportedAudioError,
)
from asr.model import WhisperEngine, inspect_model_dir, load_whisper
from asr.transcriber import StreamingTranscriber, transcribe_array, transcribe_file
from asr.types import (
    DroppedSegment,
    FilterOptions,
    ModelInfo,
    Segment,
    Transcript,
    TranscriptionOptions,
    VadOptions,
    Word,
    to_dict,
)

__all__ = [
    "AsrError", "AudioDecodeError", "AudioError", "AudioNotFoundError", "EmptyAudioError", "ModelFolderError",
    "ModelLoadError", "TranscriptionCancelled", "UnsupportedAudioError", "WhisperEngine", "inspect_model_dir",
    "load_whisper", "StreamingTranscriber", "transcribe_array", "transcribe_file", "DroppedSegment", "FilterOptions",
    "ModelInfo", "Segment", "Transcript", "TranscriptionOptions", "VadOptions", "Word", "to_dict",
]
