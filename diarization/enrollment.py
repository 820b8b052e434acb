"""Enrolled doctor voices: profiles on disk, centroids, matching a visit's speakers, threshold calibration.

A profile is the L2-normalised mean of a doctor's speaker embeddings, stored as one JSON file per doctor. At the end
of a visit each speaker centroid is compared with every profile by cosine similarity; the best pair above the
threshold is the doctor.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from diarization.types import RoleAssignment

__all__ = [
    "DEFAULT_MATCH_THRESHOLD", "VoiceProfile", "ProfileStore", "centroid", "cosine", "calibrate_threshold",
    "match_enrolled",
]

log = logging.getLogger(__name__)

# Cosine similarity above which a speaker centroid is taken to be an enrolled doctor. With WeSpeaker ResNet34
# embeddings (pyannote's default), same-speaker pairs typically score above 0.5-0.6 and different speakers around
# 0-0.3, but the values move with the microphone and the room. Calibrate on the clinic's own recordings: score pairs
# of centroids of the same doctor and of different people, and pass both lists to calibrate_threshold().
DEFAULT_MATCH_THRESHOLD = 0.5
_FORMAT = 1


@dataclass(frozen=True)
class VoiceProfile:
    """An enrolled doctor's voice.

    Attributes:
        name: The doctor's name as shown in the app (e.g. ``"王医生"``).
        embedding: L2-normalised mean speaker embedding.
        created: ISO 8601 time of enrollment.
        model: Embedding model the profile was made with (profiles of another model are not comparable).
        samples: Number of embeddings averaged.
    """

    name: str
    embedding: tuple[float, ...]
    created: str
    model: str
    samples: int


def _unit(vector: Iterable[float]) -> np.ndarray:
    array = np.asarray(list(vector), dtype=np.float64)
    norm = float(np.linalg.norm(array))
    if array.ndim != 1 or array.size == 0 or not np.isfinite(norm) or norm == 0.0:
        raise ValueError("an embedding must be a non-empty, finite, non-zero vector")
    return array / norm


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors of the same length (raises ValueError on a zero or non-finite vector)."""
    if len(a) != len(b):
        raise ValueError(f"embeddings of different sizes ({len(a)} and {len(b)}): made by different models?")
    return float(np.dot(_unit(a), _unit(b)))


def centroid(embeddings: Iterable[Sequence[float]]) -> tuple[float, ...]:
    """The L2-normalised mean of L2-normalised embeddings (each utterance weighs the same, whatever its loudness).

    Raises:
        ValueError: When there is no embedding, sizes differ, or one is zero or not finite.
    """
    units = [_unit(e) for e in embeddings]
    if not units:
        raise ValueError("no embeddings to average: record a few seconds of the doctor's speech")
    if len({u.size for u in units}) != 1:
        raise ValueError("embeddings of different sizes cannot be averaged")
    return tuple(float(x) for x in _unit(np.mean(units, axis=0)))


def calibrate_threshold(same_scores: Sequence[float], different_scores: Sequence[float]) -> float:
    """The threshold at the equal-error-rate point of two score distributions.

    A pair scoring at or above the threshold is accepted. Candidates are the midpoints between consecutive distinct
    scores; the one where false rejections (same-speaker pairs below it) and false acceptances (different-speaker
    pairs at or above it) are closest wins, then the one with the fewer errors, then the lowest.

    Args:
        same_scores: Similarities of pairs from the same speaker.
        different_scores: Similarities of pairs from different speakers.

    Raises:
        ValueError: When either list is empty.
    """
    same = np.sort(np.asarray(same_scores, dtype=np.float64))
    different = np.sort(np.asarray(different_scores, dtype=np.float64))
    if same.size == 0 or different.size == 0:
        raise ValueError("calibration needs scores of both same-speaker and different-speaker pairs")
    values = np.unique(np.concatenate([same, different]))
    candidates = np.concatenate([[values[0] - 1e-6], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    false_reject = np.searchsorted(same, candidates, side="left") / same.size
    false_accept = (different.size - np.searchsorted(different, candidates, side="left")) / different.size
    order = np.lexsort((candidates, np.maximum(false_reject, false_accept), np.abs(false_reject - false_accept)))
    return float(candidates[order[0]])


def match_enrolled(
    centroids: Mapping[str, Sequence[float]],
    profiles: Sequence[VoiceProfile],
    threshold: float = DEFAULT_MATCH_THRESHOLD,
    *,
    model: str | None = None,
) -> RoleAssignment | None:
    """Find the enrolled doctor among a visit's speakers.

    Args:
        centroids: Mean embedding per speaker label.
        profiles: Enrolled doctors.
        threshold: Least cosine similarity for a match.
        model: Embedding model of the centroids; profiles made with another model are skipped when given.

    Returns:
        A ``doctor`` assignment for the best speaker-profile pair at or above the threshold, naming the doctor and
        the similarity, or ``None`` when no pair reaches it. Pairs of different sizes are skipped.
    """
    best: tuple[float, str, VoiceProfile] | None = None
    for profile in profiles:
        if model is not None and profile.model != model:
            continue
        for speaker, vector in centroids.items():
            if len(vector) != len(profile.embedding):
                continue
            try:
                score = cosine(vector, profile.embedding)
            except ValueError:
                continue
            if best is None or score > best[0]:
                best = (score, speaker, profile)
    if best is None or best[0] < threshold:
        return None
    score, speaker, profile = best
    confidence = 0.75 + 0.25 * (score - threshold) / max(1e-9, 1.0 - threshold)
    return RoleAssignment(
        speaker=speaker,
        role="doctor",
        confidence=round(min(1.0, max(0.0, confidence)), 3),
        reason=f"voice matches enrolled doctor {profile.name} ({score:.2f})",
        name=profile.name,
    )


class ProfileStore:
    """Enrolled voices in a folder, one JSON file per doctor, written atomically."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def path_for(self, name: str) -> Path:
        """The file of a doctor: the name made safe for any file system, plus a short hash to keep names apart."""
        if not name.strip():
            raise ValueError("a voice profile needs the doctor's name")
        safe = re.sub(r"[^\w-]+", "_", name.strip(), flags=re.UNICODE).strip("_")[:40] or "doctor"
        digest = hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:8]
        return self.folder / f"{safe}-{digest}.json"

    def save(self, profile: VoiceProfile) -> Path:
        """Write (or replace) a doctor's profile; returns its file."""
        _unit(profile.embedding)  # refuse an unusable vector before touching the disk
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(profile.name)
        data = {"format": _FORMAT, **asdict(profile), "embedding": list(profile.embedding)}
        fd, temp = tempfile.mkstemp(prefix=".profile-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target

    def load_all(self) -> tuple[VoiceProfile, ...]:
        """All readable profiles, sorted by name; unreadable files are logged and skipped."""
        profiles = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else ():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                profiles.append(VoiceProfile(
                    name=str(data["name"]),
                    embedding=tuple(float(x) for x in data["embedding"]),
                    created=str(data["created"]),
                    model=str(data["model"]),
                    samples=int(data["samples"]),
                ))
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.warning("skipping unreadable voice profile %s: %s", path.name, type(error).__name__)
        return tuple(sorted(profiles, key=lambda p: p.name))

    def remove(self, name: str) -> bool:
        """Delete a doctor's profile; returns False when there was none."""
        path = self.path_for(name)
        if not path.exists():
            return False
        path.unlink()
        return True
