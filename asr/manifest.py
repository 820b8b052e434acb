"""Checksum manifests of model folders: a model is loaded only when its files are what the manifest says.

The manifest is ``manifest.json`` in the model folder: ``{"files": {"model.bin": {"sha256": "...", "size": N}, ...}}``
plus free-form metadata (kind, name, version, licence...). Pickled checkpoints (pyannote) must never be loaded
unverified, and a swapped Whisper or LLM file must be refused with the name of the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MANIFEST_NAME",
    "ManifestError",
    "sha256_file",
    "write_manifest",
    "verify_manifest",
]

MANIFEST_NAME = "manifest.json"
_CHUNK = 1 << 20


class ManifestError(Exception):
    """A model folder does not match its manifest.

    Attributes:
        path: The folder.
        bad_files: Relative paths of the files that are missing, changed or unlisted.
    """

    def __init__(self, path: str, message: str, bad_files: list[str] | None = None):
        self.path = path
        self.bad_files = list(bad_files or [])
        super().__init__(message)


@dataclass(frozen=True)
class _Entry:
    sha256: str
    size: int


def sha256_file(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _model_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME and "__pycache__" not in p.parts
    )


def write_manifest(folder: str | Path, **metadata) -> Path:
    """Write ``manifest.json`` listing every file of ``folder`` with its size and sha256.

    Args:
        folder: The model folder.
        **metadata: Extra top-level fields (kind, name, version, licence, source...).

    Returns:
        The manifest path.
    """
    folder = Path(folder)
    files = {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in _model_files(folder)
    }
    manifest = dict(metadata)
    manifest["files"] = files
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    return path


def verify_manifest(folder: str | Path, *, allow_extra: bool = True) -> dict:
    """Check every file of ``folder`` against its manifest.

    Args:
        folder: The model folder.
        allow_extra: Whether files not listed in the manifest are tolerated (they are never loaded by name).

    Returns:
        The parsed manifest.

    Raises:
        ManifestError: The manifest is missing or unreadable, or a file is missing, has another size or checksum.
    """
    folder = Path(folder)
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(str(folder), f"{folder} has no {MANIFEST_NAME}; install the model from a model pack")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        entries = {name: _Entry(str(v["sha256"]), int(v["size"])) for name, v in manifest["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ManifestError(str(folder), f"{path} is not a valid manifest ({error})") from error
    bad: list[str] = []
    reasons: list[str] = []
    for name, entry in sorted(entries.items()):
        file = folder / name
        if not file.is_file():
            bad.append(name)
            reasons.append(f"{name} is missing")
        elif file.stat().st_size != entry.size:
            bad.append(name)
            reasons.append(f"{name} has {file.stat().st_size} bytes, the manifest says {entry.size}")
        elif sha256_file(file) != entry.sha256:
            bad.append(name)
            reasons.append(f"{name} does not match its sha256 (changed or corrupted)")
    if not allow_extra:
        for file in _model_files(folder):
            name = file.relative_to(folder).as_posix()
            if name not in entries:
                bad.append(name)
                reasons.append(f"{name} is not listed in the manifest")
    if bad:
        raise ManifestError(
            str(folder), f"model folder {folder} failed verification: " + "; ".join(reasons), bad
        )
    return manifest
