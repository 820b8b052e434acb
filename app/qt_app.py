"""The one Qt application of a process (created on first need; offscreen when there is no display)."""

from __future__ import annotations

import os
import sys

__all__ = ["ensure_application"]

_app = None  # the application this module created, kept alive


def ensure_application():
    """The running ``QApplication``, or a new one.

    Always a ``QApplication`` (a ``QGuiApplication`` that also allows widgets): a plain ``QGuiApplication`` would make
    every later widget in the same process fail, e.g. a window opened after a PDF export, or widget tests run after a
    benchmark plot.
    """
    global _app
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = _app = QApplication([sys.argv[0] if sys.argv else "tingji"])
        app.setOrganizationName("TingJi")
        app.setApplicationName("TingJi")
    return app
