"""Errors a user can meet in the diarization stage, each with a message that says what to do."""

from __future__ import annotations

__all__ = ["DiarizationError", "DiarizationModelError", "DiarizationCancelled"]


class DiarizationError(Exception):
    """Base class of every error raised by :mod:`diarization`."""


class DiarizationModelError(DiarizationError):
    """A diarization model folder is missing, incomplete, tampered with, or cannot be loaded."""


class DiarizationCancelled(DiarizationError):
    """Raised inside a diarization when its cancel callback returned True."""
