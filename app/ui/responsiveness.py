"""How responsive the window stays during a processed visit: the longest UI event-loop stall (prints JSON).

A 10 ms heartbeat timer runs on the UI thread; the gap between two beats beyond 10 ms is time the event loop could
not run (a frozen window). The visit is the bundled sample, replayed through the recorder as if it were the
microphone; with speech models installed (or given) it is transcribed and diarized live, else its reference text is
replayed; then the record is drafted and checked as usual.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

__all__ = ["measure"]

BEAT_MS = 10


def measure(*, asr: Path | None = None, diarization: Path | None = None, speed: float = 1.0,
            timeout_s: float = 900.0) -> dict:
    """Replay the sample visit in an offscreen window and report the event-loop stalls (milliseconds)."""
    import numpy as np
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.application import create_window
    from app.ui.engine_config import EngineConfig
    from app.ui.player import EvidencePlayer
    from app.ui.settings import AppSettings
    from app.ui.visit_archive import VisitArchive

    with tempfile.TemporaryDirectory(prefix="tingji-ui-bench-") as scratch:
        settings = AppSettings(QSettings(str(Path(scratch) / "settings.ini"), QSettings.IniFormat))
        settings.set_engine_config(EngineConfig(asr_model=asr, diarization_model=diarization))
        window = create_window(settings=settings, journal_root=Path(scratch) / "journal",
                               player=EvidencePlayer(lambda samples, rate: None), archive=VisitArchive(None))
        window.show()
        app = QApplication.instance()
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]

        def beat() -> None:
            now = clock.elapsed()
            gaps.append(max(0.0, now - last[0] - BEAT_MS))
            last[0] = now

        timer = QTimer()
        timer.setInterval(BEAT_MS)
        timer.timeout.connect(beat)
        timer.start()
        window.service.load(settings.engine_config())
        deadline = time.monotonic() + 120
        while not window.models and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        gaps.clear()
        started = time.monotonic()
        window.replay_sample(speed=speed)
        deadline = started + timeout_s
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.002)
            if window.visit is not None and window.visit.status in ("draft", "interrupted") \
                    and window.record_bar.state == "idle":
                break
        took = time.monotonic() - started
        timer.stop()
        done = window.visit is not None and window.visit.status == "draft"
        window.close()
    stalls = np.asarray(gaps or [0.0])
    return {
        "benchmark": "ui-responsiveness",
        "visit": "bundled sample, replayed through the recorder", "speed": speed,
        "speech_models": bool(asr), "record_ready": done, "seconds": round(took, 1),
        "beats": len(gaps), "beat_ms": BEAT_MS,
        "longest_stall_ms": round(float(stalls.max()), 1),
        "p99_stall_ms": round(float(np.percentile(stalls, 99)), 1),
        "stalls_over_100_ms": int((stalls > 100).sum()),
    }


def main(asr=None, diarization=None, speed: float = 1.0) -> int:
    """Print the JSON and leave at once: PySide6's interpreter teardown after a window with model threads can crash
    on a refcount bug that is not ours, and nothing is left to clean up."""
    import os
    import sys

    print(json.dumps(measure(asr=asr, diarization=diarization, speed=speed), indent=2))
    sys.stdout.flush()
    os._exit(0)
