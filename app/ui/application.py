"""Start the desktop client: the Qt application, the interface language, a CJK font, the model service, the window."""

from __future__ import annotations

import logging
from pathlib import Path

__all__ = ["create_window", "run"]

log = logging.getLogger(__name__)


def _application():
    from app.offline import enforce_offline

    enforce_offline()  # before any model library is imported
    from app.qt_app import ensure_application

    return ensure_application()


def _use_cjk_font(app) -> str:
    """Make a font with Chinese glyphs the application font (otherwise Chinese shows as boxes)."""
    from PySide6.QtGui import QFont

    from app.export.pdf import cjk_family

    family = cjk_family()
    font = QFont(family)
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return family


def create_window(*, settings=None, journal_root: Path | None = None, stream_factory=None, player=None,
                  language: str | None = None, service=None, archive=None):
    """Build the window (the application, translator and font first). Tests pass their own settings and streams.

    Returns:
        The :class:`app.ui.main_window.MainWindow` (not shown yet).
    """
    app = _application()
    from app.paths import data_dir
    from app.ui.i18n import install_language
    from app.ui.settings import AppSettings

    settings = settings or AppSettings()
    install_language(language or settings.language)
    _use_cjk_font(app)
    from app.ui.main_window import MainWindow
    from app.ui.model_service import ModelService

    from app.ui.visit_archive import VisitArchive

    service = service or ModelService(settings.engine_config())
    window = MainWindow(service, settings, journal_root or data_dir() / "journal", stream_factory=stream_factory,
                        player=player, archive=archive or VisitArchive.open())
    window._archive_problems()
    window.load_todays_visits()
    from app.ui.ui_gc import UiThreadCollector

    window.collector = UiThreadCollector(parent=window)  # cycles are freed on the UI thread only (see ui_gc)
    return window


def run(*, sample: bool = False, replay: bool = False, language: str | None = None) -> int:
    """Open the window and run the event loop until it closes.

    Args:
        sample: Open the bundled sample visit even when models are installed.
        replay: Replay the sample visit's audio as a recording (the live flow without a microphone).
        language: ``zh_CN`` or ``en`` for this run (default: the saved choice).
    """
    app = _application()
    window = create_window(language=language)
    window.show()
    window.offer_recovery()
    window.run_startup_check(then="replay" if replay else "sample" if sample else "")
    return app.exec()
