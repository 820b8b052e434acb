"""Interchange types of the speech-recognition stage: small frozen dataclasses, times in float seconds.

A faster-whisper object never leaves :mod:`asr`; it is converted into these types at the package edge. Every
:class:`Transcript` echoes the options and the model identity it was made with.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Word",
    "Segment",
    "DroppedSegment",
    "VadOptions",
    "FilterOptions",
    "TranscriptionOptions",
    "ModelInfo",
    "Transcript",
    "to_dict",
]


@dataclass(frozen=True)
class Word:
    """One recognised word (for Chinese, usually one character) with its time span in the visit."""

    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    """A final piece of transcript.

    Attributes:
        start: Start time in seconds from the beginning of the visit (or file).
        end: End time in seconds.
        text: Recognised text, stripped.
        words: Word timings, empty when word timestamps were not requested.
        avg_logprob: Mean token log-probability reported by the decoder.
        no_speech_prob: Probability of the no-speech token at the segment start.
        compression_ratio: gzip compression ratio of the text (high means repetitive).
        language: Language code the segment was decoded in.
        flags: Marks left by the post-filters, e.g. ``"low_confidence"`` or ``"repetition_trimmed"``.
    """

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0
    language: str = ""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DroppedSegment:
    """A decoded segment the post-filters removed, kept so the decision can be audited."""

    start: float
    end: float
    text: str
    reason: str


@dataclass(frozen=True)
class VadOptions:
    """Silero VAD settings that close speech regions.

    Attributes:
        threshold: Speech probability at or above which a frame is speech.
        min_speech_ms: Regions shorter than this are ignored.
        min_silence_ms: Silence needed after speech before a region is closed (and transcribed).
        speech_pad_ms: Audio kept on each side of a region.
        max_region_s: A region longer than this is cut at its last short pause (Whisper's window is 30 s).
    """

    threshold: float = 0.5
    min_speech_ms: int = 250
    min_silence_ms: int = 700
    speech_pad_ms: int = 200
    max_region_s: float = 28.0


@dataclass(frozen=True)
class FilterOptions:
    """Post-filters against Whisper's known failure modes.

    Attributes:
        drop_phantom_phrases: Drop segments that are only a known phantom phrase (subtitle credits and the like).
        max_compression_ratio: Above this the text is a repetition loop: the loop is trimmed and marked.
        min_avg_logprob: Below this the segment is marked ``low_confidence``.
        max_no_speech_prob: A segment whose no-speech probability is above this *and* whose confidence is low is
            dropped as non-speech.
        min_word_probability: Mean word probability under which a segment is marked ``low_confidence``.
    """

    drop_phantom_phrases: bool = True
    max_compression_ratio: float = 2.4
    min_avg_logprob: float = -1.0
    max_no_speech_prob: float = 0.6
    min_word_probability: float = 0.2


@dataclass(frozen=True)
class TranscriptionOptions:
    """How a transcript is made; echoed in every :class:`Transcript`.

    Attributes:
        language: ``"zh"``, ``"en"`` or another Whisper code; ``None`` detects it on the first speech region.
        beam_size: Beam width (1 is greedy).
        temperatures: Decoding temperatures tried in turn when a result looks degenerate; ``(0.0,)`` is
            fully deterministic.
        word_timestamps: Whether to compute per-word times.
        vocabulary: Department terms given to the decoder as hotwords.
        initial_prompt: Text given to the decoder as preceding context (e.g. a style hint).
        condition_on_previous_text: Feed the previous region's text as context to the next one.
        vad: Speech-region settings.
        filters: Post-filter settings.
        max_tokens_per_second: Decode budget of a short speech region, in tokens per second of its audio (fast
            Mandarin is about 10); a region that loops (every temperature of the fallback decoding to Whisper's
            448-token limit) then costs seconds, not minutes of a 2-core CPU. 0 leaves Whisper's own limit.
    """

    language: str | None = "zh"
    beam_size: int = 5
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    word_timestamps: bool = True
    vocabulary: tuple[str, ...] = ()
    initial_prompt: str | None = None
    condition_on_previous_text: bool = False
    vad: VadOptions = field(default_factory=VadOptions)
    filters: FilterOptions = field(default_factory=FilterOptions)
    max_tokens_per_second: float = 12.0


@dataclass(frozen=True)
class ModelInfo:
    """Identity of a loaded (or validated) Whisper model folder."""

    path: str
    name: str
    n_mels: int
    multilingual: bool
    vocab_size: int
    encoder_layers: int
    decoder_layers: int
    d_model: int
    device: str = ""
    compute_type: str = ""
    threads: int = 0
    runtime: str = ""
    verified: bool = False


@dataclass(frozen=True)
class Transcript:
    """The result of transcribing a file or a live stream.

    Attributes:
        segments: Final segments in time order.
        duration: Length of the audio in seconds.
        language: Language used for decoding.
        language_probability: Confidence of the language choice (1.0 when it was given).
        no_speech: True when no speech was found at all; then ``segments`` is empty.
        options: The options used.
        model: The model used.
        dropped: Segments removed by the post-filters, with the reason.
        warnings: Non-fatal problems met on the way (e.g. a truncated file).
    """

    segments: tuple[Segment, ...]
    duration: float
    language: str
    language_probability: float
    no_speech: bool
    options: TranscriptionOptions
    model: ModelInfo
    dropped: tuple[DroppedSegment, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """All segment texts joined, one segment per line."""
        return "\n".join(segment.text for segment in self.segments)


def to_dict(value: Any) -> Any:
    """Convert a dataclass of this package (nested) into JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_dict(item) for item in value]
    if isinstance(value, dict):
        return {key: to_dict(item) for key, item in value.items()}
    return value
