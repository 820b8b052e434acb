"""Diarization speed with random weights at real sizes (pyannote community-1 shapes). Prints JSON.

Measures, on the same audio (the bundled sample visit looped to the requested length):

- file mode: the whole pipeline after the recording ends (compute seconds per audio minute);
- incremental mode: the work done while the visit is recorded (pushed in one-second blocks) and the work left
  when it stops (the last window, clustering, reconstruction), which is what the doctor waits for.

Run as ``tingji bench diarization`` or ``python benchmarks/diarization.py``.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

__all__ = ["run", "main"]


def _peak_rss_mb() -> float:
    from asr.benchmark import _peak_rss_mb as peak

    return peak()


def _looped_sample(minutes: float) -> np.ndarray:
    from asr.audio import load_audio
    from resources import resource_path

    base = load_audio(resource_path("sample_visit", "visit.flac"))
    target = int(minutes * 60 * 16000)
    return np.resize(base, target).astype(np.float32)


def run(minutes: float = 10.0, size: str = "community-1", threads: int = 0, modes=("incremental", "file"),
        live_step: float | None = None) -> dict:
    """Measure file and incremental modes on ``minutes`` of audio with a random pipeline of ``size``."""
    from diarization.diarize import IncrementalDiarizer, diarize_audio
    from diarization.model import load_diarization
    from diarization.random_models import cached_random_pipeline
    from diarization.types import DiarizationOptions

    folder = cached_random_pipeline(size)
    started = time.perf_counter()
    engine = load_diarization(folder, device="cpu", threads=threads)
    load_s = time.perf_counter() - started
    audio = _looped_sample(minutes)
    report: dict = {
        "benchmark": "diarization",
        "weights": f"random, {size} shapes",
        "audio_minutes": minutes,
        "load_s": round(load_s, 2),
        "embedding_batch_size": engine.pipeline.embedding_batch_size,
    }
    if "incremental" in modes:
        diarizer = IncrementalDiarizer(engine, DiarizationOptions(live_step=live_step))
        live_s = 0.0
        for i in range(0, len(audio), 16000):
            t0 = time.perf_counter()
            diarizer.push(audio[i:i + 16000])
            live_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        result = diarizer.finish()
        stop_s = time.perf_counter() - t0
        report["incremental"] = {
            "live_compute_s": round(live_s, 1),
            "live_compute_s_per_audio_minute": round(live_s / minutes, 2),
            "keeps_up_in_real_time": live_s < minutes * 60,
            "left_at_stop_s": round(stop_s, 2),
            "speakers": len(result.speakers),
            "windows": diarizer.chunks_done,
            "window_step_s": diarizer.step_s,
        }
    if "file" in modes:
        t0 = time.perf_counter()
        result = diarize_audio(engine, audio)
        file_s = time.perf_counter() - t0
        report["file"] = {
            "compute_s": round(file_s, 1),
            "compute_s_per_audio_minute": round(file_s / minutes, 2),
            "speakers": len(result.speakers),
        }
    if "incremental" in report and "file" in report:
        report["left_at_stop_fraction_of_file_mode"] = round(
            report["incremental"]["left_at_stop_s"] / max(report["file"]["compute_s"], 1e-9), 4
        )
    report["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return report


def main(argv: list[str] | None = None) -> int:
    """``--minutes 10 --size community-1 --threads N --modes incremental,file``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--size", default="community-1")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--modes", default="incremental,file")
    parser.add_argument("--live-step", type=float, help="seconds between live windows (default: the pipeline's)")
    args = parser.parse_args(argv)
    modes = tuple(args.modes.split(","))
    print(json.dumps(run(args.minutes, args.size, args.threads, modes, args.live_step), indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
