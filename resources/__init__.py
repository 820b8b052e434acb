"""Bundled data files (templates, vocabularies, sample visits, translations, icons).

This package holds data only. Its one function finds a bundled file both in the source tree and in a frozen
PyInstaller bundle, so no other module needs to know where the data lives.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_path"]


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource.

    Args:
        *parts: Path components below ``resources/``, e.g. ``("sample_visit", "visit.flac")``.

    Returns:
        The absolute path (it may not exist; callers decide what a missing file means).
    """
    return _base().joinpath(*parts)


def _base() -> Path:
    """``resources/`` in the source tree, or beside the frozen app: ``sys._MEIPASS`` for PyInstaller (one-folder:
    ``dist/tingji/_internal``), else the executable's folder for other freezers."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / "resources"
    return Path(__file__).resolve().parent
