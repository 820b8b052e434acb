"""DER and JER of the diarization stage against reference RTTM files (for sites with real models)."""

from __future__ import annotations

import time
from pathlib import Path

from asr.audio import AUDIO_EXTENSIONS
from diarization.rttm import read_rttm
from diarization.types import SpeakerTurn

__all__ = ["score_turns", "evaluate_folder"]


def _annotation(turns):
    from pyannote.core import Annotation, Segment

    annotation = Annotation()
    for i, turn in enumerate(turns):
        annotation[Segment(turn.start, turn.end), i] = turn.speaker
    return annotation


def score_turns(reference: list[SpeakerTurn], hypothesis: list[SpeakerTurn], collar: float = 0.0) -> dict:
    """DER (with its components) and JER of one recording, computed by pyannote.metrics."""
    from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate

    ref, hyp = _annotation(reference), _annotation(hypothesis)
    der = DiarizationErrorRate(collar=collar, skip_overlap=False)
    components = der(ref, hyp, detailed=True)
    jer = JaccardErrorRate(collar=collar, skip_overlap=False)(ref, hyp)
    total = components["total"] or 1.0
    return {
        "der": round(float(components["diarization error rate"]), 4),
        "false_alarm": round(components["false alarm"] / total, 4),
        "missed": round(components["missed detection"] / total, 4),
        "confusion": round(components["confusion"] / total, 4),
        "jer": round(float(jer), 4),
        "reference_speech_s": round(float(total), 2),
    }


def evaluate_folder(engine, audio_dir: str | Path, rttm_dir: str | Path, options=None, collar: float = 0.0) -> dict:
    """Diarize every audio file that has a reference RTTM of the same stem; report per file and overall.

    Raises:
        ValueError: No audio file has a reference.
    """
    from diarization.diarize import diarize_file

    audio_dir, rttm_dir = Path(audio_dir), Path(rttm_dir)
    pairs = [
        (audio, rttm_dir / f"{audio.stem}.rttm")
        for audio in sorted(audio_dir.iterdir())
        if audio.suffix.lower() in AUDIO_EXTENSIONS and (rttm_dir / f"{audio.stem}.rttm").is_file()
    ]
    if not pairs:
        raise ValueError(f"no audio file in {audio_dir} has a reference {rttm_dir}/<same name>.rttm")
    files, weighted_der, weighted_total, seconds = [], 0.0, 0.0, 0.0
    for audio, rttm in pairs:
        reference = [t for turns in read_rttm(rttm).values() for t in turns]
        started = time.perf_counter()
        result = diarize_file(engine, audio, options)
        elapsed = time.perf_counter() - started
        scores = score_turns(reference, list(result.overlapping_turns), collar)
        files.append({"file": audio.name, **scores, "audio_s": result.duration, "compute_s": round(elapsed, 2)})
        weighted_der += scores["der"] * scores["reference_speech_s"]
        weighted_total += scores["reference_speech_s"]
        seconds += elapsed
    return {
        "files": files,
        "overall": {
            "der": round(weighted_der / weighted_total, 4) if weighted_total else None,
            "jer_mean": round(sum(f["jer"] for f in files) / len(files), 4),
            "collar": collar,
            "compute_s": round(seconds, 1),
        },
        "model": engine.info,
    }
