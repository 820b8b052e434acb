"""Installed models: list, verify, remove, pick the one to load, and check the runtime each needs.

Installed models live in ``models_dir()/<kind>/<folder>``; a folder is *verified* when every file matches its
``manifest.json`` (see :mod:`asr.manifest`, whose stat cache keeps start-up fast once a folder has verified).
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from app.model_packs import KINDS, MARKERS, PackError
from asr.manifest import MANIFEST_NAME, ManifestError, verify_manifest

__all__ = ["InstalledModel", "installed_models", "check_model", "find_installed", "remove_model", "runtime_status",
           "enable_verification_cache"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InstalledModel:
    """One installed model folder and its state.

    Attributes:
        kind: asr, diarization or llm.
        folder: Its folder.
        name, version, licence, runtime: From its manifest (the folder name when there is none).
        state: ``verified``, ``failed`` (a file does not match) or ``unverified`` (no manifest).
        problem: Why it failed, or how to verify it.
        bad_files: Files that do not match.
        size: Total bytes of the files in the folder.
    """

    kind: str
    folder: Path
    name: str
    version: str
    licence: str
    runtime: str
    state: str
    problem: str
    bad_files: tuple[str, ...]
    size: int

    def to_dict(self) -> dict:
        data = {k: getattr(self, k) for k in ("kind", "name", "version", "licence", "runtime", "state", "problem",
                                               "size")}
        return {**data, "folder": str(self.folder), "bad_files": list(self.bad_files)}


def _root(root: Path | None) -> Path:
    if root is not None:
        return root
    from app.paths import models_dir

    return models_dir()


def check_model(kind: str, folder: Path, *, use_cache: bool = True) -> InstalledModel:
    """Verify one model folder against its manifest (``use_cache=False`` hashes every file)."""
    import json

    meta: dict = {}
    state, problem, bad = "verified", "", ()
    if not (folder / MANIFEST_NAME).is_file():
        state, problem = "unverified", f"no {MANIFEST_NAME}: reinstall it from a model pack (tingji models install)"
    else:
        try:
            meta = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
            verify_manifest(folder, use_cache=use_cache)
        except (ManifestError, ValueError, OSError) as error:
            state, problem = "failed", " ".join(str(error).split())
            bad = tuple(getattr(error, "bad_files", ()))
    meta = meta if isinstance(meta, dict) else {}
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return InstalledModel(kind, folder, str(meta.get("name") or folder.name), str(meta.get("version") or "-"),
                          str(meta.get("licence") or "-"), str(meta.get("runtime") or "-"), state, problem, bad, size)


def installed_models(root: Path | None = None, *, kind: str | None = None, use_cache: bool = True,
                     ) -> list[InstalledModel]:
    """Every model folder under the models folder (hidden install/remove leftovers skipped), checked."""
    base = _root(root)
    found = []
    for each in KINDS if kind is None else (kind,):
        folder = base / each
        if not folder.is_dir():
            continue
        for candidate in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            found.append(check_model(each, candidate, use_cache=use_cache))
    return found


def find_installed(kind: str, root: Path | None = None) -> Path | None:
    """The installed model of ``kind`` to load: the first verified one.

    A folder without a manifest (copied by hand) is used only when no verified one exists, with a warning; a folder
    whose files do not match its manifest is never used.

    Raises:
        ManifestError: Every installed model of this kind failed verification (the first failure is named).
    """
    models = [m for m in installed_models(root, kind=kind) if (m.folder / MARKERS[kind]).is_file()]
    for model in models:
        if model.state == "verified":
            return model.folder
    for model in models:
        if model.state == "unverified":
            log.warning("using %s model %s, which has no manifest: %s", kind, model.folder, model.problem)
            return model.folder
    failed = [m for m in models if m.state == "failed"]
    if failed:
        raise ManifestError(str(failed[0].folder), f"the installed {kind} model is refused: {failed[0].problem}. "
                            "Reinstall it (tingji models install PACK --replace)", list(failed[0].bad_files))
    return None


def remove_model(name: str, root: Path | None = None) -> Path:
    """Delete one installed model, named ``<name>-<version>``, ``<name>`` (when only one version) or ``kind/…``.

    Raises:
        PackError: No such model, or the name is ambiguous.
    """
    base = _root(root)
    kind, _, wanted = name.rpartition("/")
    matches = [m for m in installed_models(base, kind=kind or None, use_cache=True)
               if wanted in (m.folder.name, m.name)]
    if not matches:
        raise PackError(name, f"no installed model named {name!r} (see `tingji models list`)")
    if len(matches) > 1:
        listed = ", ".join(f"{m.kind}/{m.folder.name}" for m in matches)
        raise PackError(name, f"{name!r} names several models ({listed}); say which")
    shutil.rmtree(matches[0].folder)
    return matches[0].folder


def runtime_status(requirement: str) -> tuple[bool | None, str]:
    """Whether the installed runtime meets a requirement such as ``ctranslate2>=4`` or ``pyannote.audio>=4,<5``.

    Returns:
        (True/False, explanation), or (None, explanation) when the requirement cannot be read or checked.
    """
    from importlib import metadata

    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$", requirement or "")
    if not match:
        return None, f"runtime {requirement!r} is not a requirement like 'ctranslate2>=4'; not checked"
    package, spec = match.group(1), (match.group(2) or "").strip()
    try:
        installed = metadata.version(package)
    except metadata.PackageNotFoundError:
        return None, f"{package} version unknown here; not checked"
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
    except ImportError:  # pragma: no cover - packaging comes with the model libraries
        return None, f"{package} {installed} (requirement {spec} not checked)"
    try:
        ok = SpecifierSet(spec).contains(installed, prereleases=True)
    except InvalidSpecifier:
        return None, f"runtime {requirement!r} is not a valid requirement; not checked"
    return ok, f"{package} {installed} {'meets' if ok else 'does not meet'} {spec or 'any version'}"


def enable_verification_cache() -> None:
    """Let model loads skip re-hashing folders whose file stats match their last full verification.

    The cache is ``data_dir()/cache/verified-models.json`` (per user); see :mod:`asr.manifest` for what it trusts.
    """
    from app.paths import data_dir
    from asr.manifest import set_verification_cache

    set_verification_cache(data_dir() / "cache" / "verified-models.json")
