"""A text progress bar on stderr for the command line (no tqdm, no Qt)."""

from __future__ import annotations

import sys
import time

__all__ = ["ProgressBar"]


class ProgressBar:
    """Callable progress reporter: ``bar(fraction)`` redraws; on a non-terminal it prints every 10 %.

    Args:
        label: Shown before the bar.
        stream: Where to draw (stderr by default).
    """

    def __init__(self, label: str, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_step = -1
        self._started = time.monotonic()

    def __call__(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        elapsed = time.monotonic() - self._started
        if self._tty:
            filled = int(fraction * 30)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {elapsed:5.1f}s")
            if fraction >= 1.0:
                self.stream.write("\n")
            self.stream.flush()
            return
        step = int(fraction * 10)
        if step > self._last_step:
            self._last_step = step
            self.stream.write(f"{self.label}: {fraction:.0%} ({elapsed:.1f}s)\n")
            self.stream.flush()
