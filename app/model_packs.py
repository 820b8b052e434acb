"""Model packs: a folder or zip whose ``manifest.json`` describes and checksums a model; verified install.

A pack's manifest is the one of :mod:`asr.manifest` with pack metadata: ``kind`` (asr, diarization, llm), ``name``,
``version``, ``licence``, ``source``, ``runtime`` (e.g. ``ctranslate2>=4``, ``pyannote.audio>=4,<5``), ``hardware``
(recommended hardware) and ``files`` (size + sha256 of every file). A zip holds the manifest at its root or inside
one top-level folder. Installing checks every listed file's size and sha256 in the pack *before* anything is
copied, copies only listed files (hashing again while copying) into a hidden temporary folder next to the target,
then renames it to ``models_dir()/<kind>/<name>-<version>`` in one step. Names come from the manifest only and must
stay inside the folder, so a hostile zip cannot write elsewhere (zip slip).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from asr.manifest import MANIFEST_NAME, ManifestEntry, ManifestError, parse_manifest, write_manifest

__all__ = ["KINDS", "DEFAULT_RUNTIME", "PackInfo", "PackError", "pack_info", "verify_pack", "install_pack",
           "build_pack"]

KINDS = ("asr", "diarization", "llm")
DEFAULT_RUNTIME = {"asr": "ctranslate2>=4", "llm": "ctranslate2>=4", "diarization": "pyannote.audio>=4,<5"}
MARKERS = {"asr": "model.bin", "diarization": "config.yaml", "llm": "model.bin"}
_REQUIRED = ("kind", "name", "version", "licence", "source", "runtime")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
_CHUNK = 1 << 20


class PackError(ManifestError):
    """A pack is malformed, tampered with, incomplete, or cannot be installed (``bad_files`` names the files)."""


@dataclass(frozen=True)
class PackInfo:
    """What a pack (or an installed model) says about itself."""

    kind: str
    name: str
    version: str
    licence: str
    source: str
    runtime: str
    hardware: str
    files: int
    size: int

    @property
    def folder_name(self) -> str:
        return f"{self.name}-{self.version}"


def pack_info(manifest: dict, entries: dict[str, ManifestEntry], where: str) -> PackInfo:
    """Validate a manifest's pack metadata.

    Raises:
        PackError: A field is missing, the kind is unknown, or the name or version cannot be a folder name.
    """
    missing = [key for key in _REQUIRED if not isinstance(manifest.get(key), str) or not manifest[key].strip()]
    if missing:
        raise PackError(where, f"{where} is not a model pack manifest: missing {', '.join(missing)} "
                               "(build packs with `tingji models pack`)")
    if manifest["kind"] not in KINDS:
        raise PackError(where, f"{where}: kind must be one of {', '.join(KINDS)}, not {manifest['kind']!r}")
    for key in ("name", "version"):
        if not _SAFE_NAME.match(manifest[key]):
            raise PackError(where, f"{where}: {key} {manifest[key]!r} may only use letters, digits, . _ + -")
    marker = MARKERS[manifest["kind"]]
    if marker not in entries:
        raise PackError(where, f"{where}: an {manifest['kind']} pack must contain {marker}", [marker])
    return PackInfo(manifest["kind"], manifest["name"], manifest["version"], manifest["licence"],
                    manifest["source"], manifest["runtime"], str(manifest.get("hardware", "")), len(entries),
                    sum(e.size for e in entries.values()))


class _Source:
    """Read access to the files of a pack, folder or zip, by the names its manifest lists."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            self.root = path.resolve()
            return
        if not zipfile.is_zipfile(path):
            raise PackError(str(path), f"{path} is neither a folder nor a zip file")
        self.zip = zipfile.ZipFile(path)
        names = set(self.zip.namelist())
        if MANIFEST_NAME not in names:
            tops = [n[: -len(MANIFEST_NAME)] for n in names if n.count("/") == 1 and n.endswith("/" + MANIFEST_NAME)]
            if len(tops) != 1:
                raise PackError(str(path), f"{path} has no {MANIFEST_NAME} at its root (or in one top folder)")
            self.prefix = tops[0]

    def manifest_bytes(self) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.prefix + MANIFEST_NAME)
        file = self.root / MANIFEST_NAME
        if not file.is_file():
            raise PackError(str(self.path), f"{self.path} has no {MANIFEST_NAME}; build it with `tingji models pack`")
        return file.read_bytes()

    def size_and_open(self, name: str):
        """(size, opener) of a listed file, or None when the pack lacks it."""
        if self.zip is not None:
            try:
                info = self.zip.getinfo(self.prefix + name)
            except KeyError:
                return None
            return (None if info.is_dir() else (info.file_size, lambda: self.zip.open(info)))
        file = (self.root / name).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        return file.stat().st_size, lambda: open(file, "rb")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _copy_hashed(opener, size: int, target: Path | None) -> str:
    """Stream one file (into ``target`` when given), never reading more than ``size + 1`` bytes; return sha256."""
    digest, left = hashlib.sha256(), size + 1
    with opener() as source:
        out = open(target, "wb") if target else None
        try:
            while left > 0 and (chunk := source.read(min(_CHUNK, left))):
                left -= len(chunk)
                digest.update(chunk)
                if out:
                    out.write(chunk)
        finally:
            if out:
                out.close()
    return digest.hexdigest() if left == 1 else "size-mismatch"


def _check(source: _Source, entries: dict[str, ManifestEntry], where: str, target: Path | None = None) -> None:
    bad, reasons = [], []
    for name, entry in sorted(entries.items()):
        found = source.size_and_open(name)
        if found is None:
            bad.append(name)
            reasons.append(f"{name} is missing from the pack")
            continue
        size, opener = found
        if size != entry.size:
            bad.append(name)
            reasons.append(f"{name} has {size} bytes, the manifest says {entry.size}")
            continue
        destination = None
        if target is not None:
            destination = target.joinpath(*name.split("/"))
            if not destination.resolve().is_relative_to(target.resolve()):
                raise PackError(where, f"{name} would be written outside the model folder", [name])
            destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            digest = _copy_hashed(opener, size, destination)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            digest = f"unreadable ({error})"
        if digest != entry.sha256:
            bad.append(name)
            reasons.append(f"{name} does not match its sha256 (changed or corrupted)")
    if bad:
        raise PackError(where, f"model pack {where} is damaged or incomplete: {'; '.join(reasons)}", bad)


def _open(path: str | Path) -> tuple[_Source, dict, dict[str, ManifestEntry], PackInfo, bytes]:
    path = Path(path).expanduser()
    if not path.exists():
        raise PackError(str(path), f"model pack not found: {path}")
    source = _Source(path)
    try:
        raw = source.manifest_bytes()
        manifest, entries = parse_manifest(raw, f"{path} ({MANIFEST_NAME})")
        return source, manifest, entries, pack_info(manifest, entries, str(path)), raw
    except Exception:
        source.close()
        raise


def verify_pack(path: str | Path) -> PackInfo:
    """Check every file of a pack (folder or zip) against its manifest, copying nothing.

    Raises:
        PackError: Malformed manifest, or files missing, of another size or checksum (``bad_files`` names them).
    """
    source, _, entries, info, _ = _open(path)
    try:
        _check(source, entries, str(path))
    finally:
        source.close()
    return info


def install_pack(path: str | Path, *, root: Path | None = None, replace: bool = False) -> tuple[PackInfo, Path]:
    """Verify a pack, then install it atomically as ``<root>/<kind>/<name>-<version>``.

    Args:
        path: The pack folder or zip.
        root: The models folder (default :func:`app.paths.models_dir`).
        replace: Replace an installed model of the same name and version.

    Returns:
        The pack's description and the installed folder.

    Raises:
        PackError: The pack is malformed, tampered with or incomplete, or the model is already installed.
    """
    if root is None:
        from app.paths import models_dir

        root = models_dir()
    source, _, entries, info, raw = _open(path)
    try:
        target = root / info.kind / info.folder_name
        if target.exists() and not replace:
            raise PackError(str(path), f"{info.kind} model {info.folder_name} is already installed in {target}; "
                                       "pass --replace to reinstall it, or remove it first")
        _check(source, entries, str(path))  # every file, before anything is written
        (root / info.kind).mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(root / info.kind).free
        if free < info.size + (64 << 20):
            raise PackError(str(path), f"not enough free disk in {root}: the model needs {info.size >> 20} MiB, "
                                       f"{free >> 20} MiB are free")
        temp = root / info.kind / f".installing-{info.folder_name}-{uuid.uuid4().hex[:8]}"
        temp.mkdir(parents=True)
        try:
            _check(source, entries, str(path), target=temp)  # the copy is hashed too: the pack may change meanwhile
            (temp / MANIFEST_NAME).write_bytes(raw)
            old = None
            if target.exists():
                old = target.with_name(f".removing-{info.folder_name}-{uuid.uuid4().hex[:8]}")
                target.rename(old)
            temp.rename(target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
    finally:
        source.close()
    return info, target


def build_pack(folder: str | Path, *, kind: str, name: str, version: str, licence: str = "unknown",
               source: str = "", runtime: str | None = None, hardware: str = "",
               zip_out: str | Path | None = None) -> PackInfo:
    """Write a pack manifest into ``folder`` (and optionally zip the folder with it).

    Raises:
        PackError: Bad kind, name or version, or the folder lacks the kind's main file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PackError(str(folder), f"not a folder: {folder}")
    metadata = {"kind": kind, "name": name, "version": version, "licence": licence, "source": source or "unknown",
                "runtime": runtime or DEFAULT_RUNTIME.get(kind, ""), "hardware": hardware}
    pack_info(metadata, {MARKERS.get(kind, ""): ManifestEntry("", 0)}, str(folder))  # the metadata, before writing
    if not (folder / MARKERS[kind]).is_file():
        raise PackError(str(folder), f"{folder} has no {MARKERS[kind]}: it is not a converted {kind} model folder",
                        [MARKERS[kind]])
    path = write_manifest(folder, **metadata)
    manifest, entries = parse_manifest(path.read_bytes(), str(path))
    info = pack_info(manifest, entries, str(folder))
    if zip_out is not None:
        with zipfile.ZipFile(zip_out, "w", allowZip64=True) as archive:
            for relative in [MANIFEST_NAME, *sorted(entries)]:
                method = zipfile.ZIP_STORED if (folder / relative).stat().st_size > (64 << 20) else zipfile.ZIP_DEFLATED
                archive.write(folder / relative, relative, compress_type=method)
    return info

