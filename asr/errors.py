"""Errors a user can meet in the speech-recognition stage, each with a message that says what to do."""

from __future__ import annotations

__all__ = [
    "AsrError",
    "ModelFolderError",
    "ModelLoadError",
    "AudioError",
    "AudioNotFoundError",
    "EmptyAudioError",
    "AudioDecodeError",
    "UnsupportedAudioError",
    "TranscriptionCancelled",
]


class AsrError(Exception):
    """Base class of every error raised by :mod:`asr`."""


class ModelFolderError(AsrError):
    """A Whisper model folder is missing, incomplete or inconsistent.

    Attributes:
        path: The folder that was checked.
        problems: One line per problem found, each naming the file and the fix.
    """

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = list(problems)
        super().__init__(f"Whisper model folder {path} is not usable: " + "; ".join(self.problems))


class ModelLoadError(AsrError):
    """The runtime refused a model folder that passed validation (corrupt weights, wrong device...)."""


class AudioError(AsrError):
    """Base class of audio input problems."""


class AudioNotFoundError(AudioError):
    """The audio path does not exist or is not a file."""


class EmptyAudioError(AudioError):
    """The audio file is empty or decodes to no samples."""


class AudioDecodeError(AudioError):
    """The audio file is corrupt or truncated beyond use."""


class UnsupportedAudioError(AudioError):
    """The file is not an audio format that can be decoded (or has no audio stream)."""


class TranscriptionCancelled(AsrError):
    """Raised inside a transcription when its cancel callback returned True."""
