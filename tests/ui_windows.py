"""Building the real window for window tests: settings in a temporary file, a sound card that only remembers."""

from PySide6.QtCore import QSettings

from app.ui.engine_config import EngineConfig
from app.ui.player import EvidencePlayer
from app.ui.settings import AppSettings


class RecordingOutput:
    """Stands in for the sound card: remembers what it was asked to play."""

    def __init__(self):
        self.played = []

    def __call__(self, samples, rate):
        self.played.append((len(samples), rate))


def window_settings(tmp_path, doctor: str = "王医生", **config) -> AppSettings:
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    settings.doctor = doctor
    settings.set_engine_config(EngineConfig(**config))
    return settings


def open_window(qtbot, tmp_path, settings: AppSettings, *, stream=None, language: str = "zh_CN"):
    """``create_window`` with a recording sound card (``window.output``), registered with qtbot and shown."""
    from app.ui.application import create_window

    output = RecordingOutput()
    window = create_window(settings=settings, journal_root=tmp_path / "journal", stream_factory=stream,
                           player=EvidencePlayer(output), language=language)
    window.output = output
    qtbot.addWidget(window)
    window.show()
    return window
