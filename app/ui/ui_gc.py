"""Python's cycle collector runs on the UI thread while a window is open.

CPython collects reference cycles on whichever thread allocates when a generation's threshold is crossed. In the
window that is often the model thread (importing torch, decoding audio), and a cycle that holds a Qt object (a
widget and a listener lambda that refers back to it) is then destroyed off the UI thread. Qt objects must be
deleted on the thread they live in: the next timer event on the freed object crashes the process (found in the
window tests: a dialog and the window referring to each other were freed while the model thread imported torch).

So while a window is open automatic collection is off, and a timer on the UI thread collects the generations whose
thresholds were crossed, as the interpreter itself would. Objects whose last reference goes away in a worker are
still freed there; the window's workers hand results to the UI thread (:mod:`app.ui.ui_queue`) so they do not hold
Qt objects.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

__all__ = ["UiThreadCollector", "FULL_COLLECTION_EVERY_S"]

# The interpreter skips a full collection until the long-lived objects grew by a quarter; with torch loaded a full
# collection takes tens of milliseconds of UI time, so here one runs at most this often.
FULL_COLLECTION_EVERY_S = 30.0


class UiThreadCollector(QObject):
    """Turns automatic garbage collection off and collects from a UI-thread timer until :meth:`stop`.

    Args:
        interval_ms: How often the generation counts are checked (a check that collects nothing costs microseconds).
        parent: Owner (the window): the collector stops when it is destroyed.
    """

    def __init__(self, interval_ms: int = 250, parent: QObject | None = None):
        super().__init__(parent)
        self._restore = gc.isenabled()
        self.collections = 0
        self._last_full = time.monotonic()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(interval_ms)
        self.destroyed.connect(_enable_if(self._restore))

    def collect_due(self) -> int:
        """Collect the oldest generation whose threshold is crossed (-1: none was); runs on the UI thread."""
        thresholds, counts = gc.get_threshold(), gc.get_count()
        due = -1
        for generation in range(3):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                due = generation
        if due == 2 and time.monotonic() - self._last_full < FULL_COLLECTION_EVERY_S:
            due = 1
        if due >= 0:
            gc.collect(due)
            self.collections += 1
            if due == 2:
                self._last_full = time.monotonic()
        return due

    def stop(self) -> None:
        """Give collection back to the interpreter (as it was before)."""
        self._timer.stop()
        if self._restore:
            gc.enable()


def _enable_if(restore: bool):
    # A plain function, not a method: the collector's Python side may be gone when ``destroyed`` fires.
    return (lambda *_: gc.enable()) if restore else (lambda *_: None)
