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
    """Installed models, one folder per model under ``asr/``, ``diarization/`` and ``llm/``.

    ``$TINGJI_MODELS_DIR``, else ``$TINGJI_HOME/models`` when ``TINGJI_HOME`` is set, else ``models_dir`` from the
    user settings or the hospital file (see :mod:`app.config`), else ``data_dir()/models``.
    """
    if os.environ.get("TINGJI_MODELS_DIR"):
        return Path(os.environ["TINGJI_MODELS_DIR"]).expanduser()
    if os.environ.get("TINGJI_HOME"):
        return data_dir() / "models"
    from app.config import load_config

    return Path(str(load_config().get("models_dir", data_dir() / "models"))).expanduser()
