"""Checksum manifests of model folders: a model is loaded only when its files are what the manifest says.

The manifest is ``manifest.json`` in the model folder: ``{"files": {"model.bin": {"sha256": "...", "size": N}, ...}}``
plus metadata. Model packs (``app/model_packs.py``) use the same file with these top-level fields: ``format``
(``tingji-model/1``), ``kind`` (asr, diarization, llm), ``name``, ``version``, ``licence``, ``source``, ``runtime``
(a requirement such as ``ctranslate2>=4``) and ``hardware`` (recommended hardware, free text). Pickled checkpoints
(pyannote) must never be loaded unverified, and a swapped Whisper or LLM file must be refused with the name of the file.

Verification cache: hashing a 7B model takes minutes, so once a folder has verified, the ``(size, mtime, ctime,
inode)`` of every listed file and the sha256 of ``manifest.json`` are remembered in a JSON file (enabled by the app
with :func:`set_verification_cache`; off by default, so library callers always hash). A later check whose stats all
match skips the hashing. Any write to a file changes its ctime, which no user tool can set back, so a changed byte is
still caught; files written less than two seconds before they were checked are never cached (timestamps are coarse).
``tingji models verify`` and ``install`` always hash in full.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_FORMAT",
    "ManifestEntry",
    "ManifestError",
    "sha256_file",
    "safe_relative_name",
    "parse_manifest",
    "write_manifest",
    "verify_manifest",
    "set_verification_cache",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "tingji-model/1"
_CHUNK = 1 << 20
_RACY_S = 2.0

log = logging.getLogger(__name__)
_cache_path: Path | None = None


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
class ManifestEntry:
    """One listed file: its sha256 (hex) and size in bytes."""

    sha256: str
    size: int


_Entry = ManifestEntry  # the former private name


def sha256_file(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_relative_name(name: str) -> bool:
    """Whether a listed file name stays inside its folder (relative, POSIX separators, no ``..``, no drive)."""
    if not name or "\\" in name or ":" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return bool(parts) and all(part not in ("..", ".", "") for part in parts) and name == "/".join(parts)


def parse_manifest(data: bytes | str, where: str) -> tuple[dict, dict[str, ManifestEntry]]:
    """Parse a manifest's text.

    Args:
        data: The contents of ``manifest.json``.
        where: Its location, for messages.

    Returns:
        The whole manifest and its file entries by relative name.

    Raises:
        ManifestError: Not JSON, no ``files`` table, a malformed entry, or a name that leaves the folder.
    """
    try:
        manifest = json.loads(data)
        entries = {
            name: ManifestEntry(str(v["sha256"]).lower(), int(v["size"])) for name, v in manifest["files"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ManifestError(where, f"{where} is not a valid manifest ({error})") from error
    unsafe = sorted(name for name in entries if not safe_relative_name(name))
    if unsafe:
        raise ManifestError(where, f"{where} lists paths outside the model folder: {', '.join(unsafe)}", unsafe)
    return manifest, entries


def _model_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME and "__pycache__" not in p.parts
    )


def write_manifest(folder: str | Path, **metadata) -> Path:
    """Write ``manifest.json`` listing every file of ``folder`` with its size and sha256.

    Args:
        folder: The model folder.
        **metadata: Extra top-level fields (kind, name, version, licence, source, runtime, hardware...).

    Returns:
        The manifest path.
    """
    folder = Path(folder)
    files = {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in _model_files(folder)
    }
    manifest = {"format": MANIFEST_FORMAT, **metadata, "files": files}
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    return path


def set_verification_cache(path: str | Path | None) -> None:
    """Remember verified folders in ``path`` (JSON) so unchanged folders are not hashed again; None turns it off."""
    global _cache_path
    _cache_path = Path(path) if path else None


def _stats(folder: Path, entries: dict[str, ManifestEntry]) -> dict[str, list[int]] | None:
    stats = {}
    for name in entries:
        try:
            st = (folder / name).stat()
        except OSError:
            return None
        stats[name] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    return stats


def _read_cache() -> dict:
    try:
        data = json.loads(_cache_path.read_text(encoding="utf-8")) if _cache_path else {}
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _cached(folder: Path, manifest_digest: str, entries: dict[str, ManifestEntry]) -> bool:
    record = _read_cache().get(str(folder.resolve()))
    return (isinstance(record, dict) and record.get("manifest") == manifest_digest
            and record.get("files") == _stats(folder, entries))


def _remember(folder: Path, manifest_digest: str, entries: dict[str, ManifestEntry]) -> None:
    stats = _stats(folder, entries)
    now_ns = time.time_ns()
    if stats is None or any(now_ns - max(s[1], s[2]) < _RACY_S * 1e9 for s in stats.values()):
        return  # a file this fresh could change again within the same timestamp tick
    cache = _read_cache()
    cache[str(folder.resolve())] = {"manifest": manifest_digest, "files": stats}
    try:
        _cache_path.parent.mkdir(parents=True, exist_ok=True)
        temp = _cache_path.with_name(f"{_cache_path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(cache), encoding="utf-8")
        os.replace(temp, _cache_path)
    except OSError as error:
        log.debug("cannot write the verification cache %s: %s", _cache_path, error)


def verify_manifest(folder: str | Path, *, allow_extra: bool = True, use_cache: bool = True) -> dict:
    """Check every file of ``folder`` against its manifest.

    Args:
        folder: The model folder.
        allow_extra: Whether files not listed in the manifest are tolerated (they are never loaded by name).
        use_cache: Accept a folder whose file stats match a previous full verification (only when the app has
            enabled the cache with :func:`set_verification_cache`); False always hashes every file.

    Returns:
        The parsed manifest.

    Raises:
        ManifestError: The manifest is missing or unreadable, or a file is missing, has another size or checksum.
    """
    folder = Path(folder)
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(str(folder), f"{folder} has no {MANIFEST_NAME}; install the model from a model pack")
    raw = path.read_bytes()
    manifest, entries = parse_manifest(raw, str(path))
    digest = hashlib.sha256(raw).hexdigest()
    caching = use_cache and _cache_path is not None
    if caching and allow_extra and _cached(folder, digest, entries):
        return manifest
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
    if _cache_path is not None:
        _remember(folder, digest, entries)
    return manifest
