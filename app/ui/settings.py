"""The window's settings (QSettings): model folders, device, backend and clinic server, language, templates."""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import QSettings

from app.ui.engine_config import EngineConfig

__all__ = ["AppSettings"]


def _path(value) -> Path | None:
    return Path(value) if value else None


class AppSettings:
    """Typed access to QSettings (per OS user; an ini file in tests).

    Args:
        settings: The store; ``QSettings("TingJi", "TingJi")`` by default.
    """

    def __init__(self, settings: QSettings | None = None):
        self.qt = settings or QSettings("TingJi", "TingJi")

    def _get(self, key: str, default=""):
        value = self.qt.value(key, default)
        return default if value is None else value

    # doctor
    @property
    def doctor(self) -> str:
        """The signing doctor's name (the OS user until set)."""
        return str(self._get("doctor/name", "")) or getpass.getuser()

    @doctor.setter
    def doctor(self, name: str) -> None:
        self.qt.setValue("doctor/name", name)

    def template_for(self, doctor: str, default: str = "outpatient-initial") -> str:
        """The template this doctor used last."""
        return str(self._get(f"templates/{doctor}", default)) or default

    def remember_template(self, doctor: str, template_id: str) -> None:
        self.qt.setValue(f"templates/{doctor}", template_id)

    # language and device
    @property
    def language(self) -> str:
        """``zh_CN`` (default) or ``en``."""
        return str(self._get("ui/language", "zh_CN")) or "zh_CN"

    @language.setter
    def language(self, value: str) -> None:
        self.qt.setValue("ui/language", value)

    @property
    def input_device(self):
        value = self._get("audio/device", "")
        return int(value) if str(value).lstrip("-").isdigit() else (value or None)

    @input_device.setter
    def input_device(self, value) -> None:
        self.qt.setValue("audio/device", "" if value is None else value)

    # models
    def engine_config(self) -> EngineConfig:
        """Model folders, backend and server as set (empty folders mean: the installed model)."""
        return EngineConfig(
            asr_model=_path(self._get("models/asr")), diarization_model=_path(self._get("models/diarization")),
            backend=str(self._get("record/backend", "extractive")) or "extractive",
            llm_model=_path(self._get("models/llm")), server_url=str(self._get("record/server_url")),
            server_model=str(self._get("record/server_model")), device=str(self._get("models/device", "auto")),
            threads=int(self._get("models/threads", 0) or 0))

    def set_engine_config(self, config: EngineConfig) -> None:
        for key, value in (("models/asr", config.asr_model), ("models/diarization", config.diarization_model),
                           ("models/llm", config.llm_model), ("record/backend", config.backend),
                           ("record/server_url", config.server_url), ("record/server_model", config.server_model),
                           ("models/device", config.device), ("models/threads", config.threads)):
            self.qt.setValue(key, "" if value is None else str(value))
        self.qt.sync()
