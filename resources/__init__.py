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
    frozen_root = getattr(sys, "_MEIPASS", None)
    base = Path(frozen_root) / "resources" if frozen_root else Path(__file__).resolve().parent
    return base.joinpath(*parts)
