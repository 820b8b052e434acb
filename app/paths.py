"""Where TingJi keeps its data on this machine (no Qt needed)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "models_dir"]


def data_dir() -> Path:
    """Root of TingJi's data: ``$TINGJI_HOME``, else ``$XDG_DATA_HOME/tingji``, else ``~/.local/share/tingji``."""
    if os.environ.get("TINGJI_HOME"):
        return Path(os.environ["TINGJI_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "tingji"


def models_dir() -> Path:
    """Installed models, one folder per model under ``asr/``, ``diarization/`` and ``llm/``."""
    return data_dir() / "models"
