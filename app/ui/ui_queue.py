"""Hand results from worker threads to the UI thread without emitting Qt signals off the UI thread.

Emitting PySide6 signals that carry Python objects from plain Python threads (the recorder's audio and writer
threads, the model worker) crashed the interpreter at exit here with a refcount error inside PySide (``bool_dealloc``
/ ``none_dealloc`` during finalization). Workers therefore only put ``(function, args)`` on a thread-safe queue; a
timer on the UI thread runs them, so every signal is emitted, and every widget touched, on the UI thread.
"""

from __future__ import annotations

import queue
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["UiQueue"]


class UiQueue(QObject):
    """A queue drained on the thread that created it (the UI thread), every ``interval_ms``.

    Args:
        interval_ms: How often the queue is drained (15 ms: faster than the eye, cheap when empty).
    """

    def __init__(self, interval_ms: int = 15, parent: QObject | None = None):
        super().__init__(parent)
        self._items: queue.SimpleQueue = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    def post(self, function: Callable, *args) -> None:
        """Run ``function(*args)`` on the UI thread soon (safe from any thread; never blocks)."""
        self._items.put((function, args))

    def drain(self) -> int:
        """Run everything posted so far; returns how many ran."""
        done = 0
        while True:
            try:
                function, args = self._items.get_nowait()
            except queue.Empty:
                return done
            function(*args)
            done += 1

    def stop(self) -> None:
        self._timer.stop()
