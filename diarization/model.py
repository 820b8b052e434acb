"""Load the pyannote.audio 4.x speaker-diarization pipeline from a local folder, verified, offline.

Accepted folders:

- the relocatable layout: ``config.yaml`` whose params name ``$model/segmentation``, ``$model/embedding`` and
  ``$model/plda``, with those subfolders beside it;
- a pre-filled Hugging Face cache entry (``models--org--name`` with ``refs/main`` and ``snapshots/<rev>/``), or a
  cache root holding exactly one such entry: the snapshot folder is used as a plain local folder, so the hub client
  is never involved.

pyannote checkpoints are pickles, so a folder is loaded only when every file matches its ``manifest.json``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from asr.manifest import MANIFEST_NAME, ManifestError, verify_manifest
from diarization.errors import DiarizationModelError

__all__ = ["resolve_pipeline_dir", "load_diarization", "DiarizationEngine"]

log = logging.getLogger(__name__)


def _snapshot(entry: Path) -> Path | None:
    ref = entry / "refs" / "main"
    if ref.is_file():
        candidate = entry / "snapshots" / ref.read_text(encoding="utf-8").strip()
        if (candidate / "config.yaml").is_file():
            return candidate
    snapshots = sorted((entry / "snapshots").glob("*/config.yaml")) if (entry / "snapshots").is_dir() else []
    return snapshots[-1].parent if snapshots else None


def resolve_pipeline_dir(path: str | os.PathLike) -> Path:
    """Find the folder holding ``config.yaml`` (plain layout or Hugging Face cache layout).

    Raises:
        DiarizationModelError: Nothing loadable is there.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DiarizationModelError(f"diarization model folder not found: {folder}")
    if (folder / "config.yaml").is_file():
        return folder
    if folder.name.startswith("models--"):
        snapshot = _snapshot(folder)
        if snapshot:
            return snapshot
    entries = [p for p in folder.glob("models--*") if p.is_dir()] + [p for p in folder.glob("hub/models--*")]
    snapshots = [s for s in (_snapshot(e) for e in entries) if s is not None]
    if len(snapshots) == 1:
        return snapshots[0]
    if len(snapshots) > 1:
        raise DiarizationModelError(
            f"{folder} holds several cached models ({', '.join(e.name for e in entries)}); pass one of them"
        )
    raise DiarizationModelError(
        f"{folder} has no config.yaml: pass the folder of a pyannote speaker-diarization pipeline "
        "(config.yaml with segmentation/, embedding/ and plda/ beside it)"
    )


@dataclass
class DiarizationEngine:
    """A loaded pipeline and what it is. Create with :func:`load_diarization`.

    Attributes:
        pipeline: The pyannote ``SpeakerDiarization`` pipeline.
        folder: Where it was loaded from.
        device: ``cpu`` or ``cuda``.
        info: Provenance (folder name, pyannote and torch versions, device).
    """

    pipeline: object
    folder: Path
    device: str
    info: dict[str, str] = field(default_factory=dict)

    @property
    def sample_rate(self) -> int:
        return int(self.pipeline._segmentation.model.audio.sample_rate)


def _verify(folder: Path) -> None:
    """The manifest sits beside config.yaml (in the HF cache layout: in the snapshot folder)."""
    if not (folder / MANIFEST_NAME).is_file():
        raise DiarizationModelError(
            f"{folder} has no {MANIFEST_NAME}. pyannote checkpoints are pickles and are loaded only when their "
            f"checksums are known: check where the files came from, then run `tingji models manifest {folder} "
            "--kind diarization` (or install a model pack)"
        )
    try:
        verify_manifest(folder)
    except ManifestError as error:
        raise DiarizationModelError(f"refusing to load the diarization model: {error}") from error


def load_diarization(
    path: str | os.PathLike,
    *,
    device: str = "auto",
    embedding_batch_size: int = 1,
    segmentation_batch_size: int = 1,
    threads: int = 0,
) -> DiarizationEngine:
    """Verify and load a speaker-diarization pipeline folder, with telemetry and hub access disabled.

    Args:
        path: Pipeline folder (plain or Hugging Face cache layout).
        device: ``auto``, ``cpu`` or ``cuda``.
        embedding_batch_size: 1 is about twice as fast as 32 on a small CPU and uses a third of the memory.
        segmentation_batch_size: Windows per segmentation batch (1 keeps file and live results identical).
        threads: Torch CPU threads (0: leave torch's default).

    Returns:
        The engine.

    Raises:
        DiarizationModelError: Folder missing, manifest missing or not matching, or the pipeline fails to load.
        ValueError: Bad device.
    """
    folder = resolve_pipeline_dir(path)
    _verify(folder)
    os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
    os.environ["HF_HUB_OFFLINE"] = "1"
    import pyannote.audio
    import torch
    from pyannote.audio import Pipeline

    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but torch sees no CUDA device; use --device cpu")
    resolved = "cuda" if device == "cuda" or (device == "auto" and torch.cuda.is_available()) else "cpu"
    if threads:
        torch.set_num_threads(threads)
    try:
        pipeline = Pipeline.from_pretrained(folder)
    except Exception as error:  # pyannote raises many kinds; all mean "this folder does not load"
        raise DiarizationModelError(f"could not load the diarization pipeline from {folder}: {error}") from error
    if pipeline is None:
        raise DiarizationModelError(f"could not load the diarization pipeline from {folder}")
    pipeline.embedding_batch_size = embedding_batch_size
    pipeline.segmentation_batch_size = segmentation_batch_size
    pipeline.to(torch.device(resolved))
    info = {
        "name": folder.name if not folder.parent.name == "snapshots" else folder.parent.parent.name,
        "path": str(folder),
        "pyannote.audio": pyannote.audio.__version__,
        "torch": torch.__version__,
        "device": resolved,
    }
    log.info("loaded diarization pipeline %s on %s", info["name"], resolved)
    return DiarizationEngine(pipeline, folder, resolved, info)
