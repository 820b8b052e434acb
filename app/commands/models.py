"""``tingji models install|list|verify|remove|pack|manifest``: verified model packs for offline workstations."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("models", help="model packs: install, list, verify, remove, build")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    install = actions.add_parser("install", help="verify a pack (folder or zip), then install it")
    install.add_argument("pack", type=Path)
    install.add_argument("--replace", action="store_true", help="reinstall over the same name and version")
    install.set_defaults(handler=run_install)

    listing = actions.add_parser("list", help="installed models: kind, name, version, verified state, size")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)

    verify = actions.add_parser("verify", help="re-hash installed models (all, one by name) or a model folder/pack")
    verify.add_argument("name", nargs="?", help="installed name, or a model folder or pack path (default: all)")
    verify.set_defaults(handler=run_verify)

    remove = actions.add_parser("remove", help="delete an installed model")
    remove.add_argument("name", help="<name>-<version>, <name>, or <kind>/<name>-<version>")
    remove.set_defaults(handler=run_remove)

    pack = actions.add_parser("pack", help="write a pack manifest into a converted model folder (and zip it)")
    pack.add_argument("folder", type=Path)
    pack.add_argument("--kind", required=True, choices=("asr", "diarization", "llm"))
    pack.add_argument("--name", required=True, help="e.g. whisper-large-v3-turbo-zh")
    pack.add_argument("--version", required=True, help="e.g. 2026.11 or the upstream revision")
    pack.add_argument("--licence", default="unknown", help="e.g. MIT, Apache-2.0")
    pack.add_argument("--source", default="", help="where the files came from, e.g. the Hugging Face repo")
    pack.add_argument("--runtime", help="runtime requirement (default: ctranslate2>=4 or pyannote.audio>=4,<5)")
    pack.add_argument("--hardware", default="", help="recommended hardware, e.g. 'CPU, 8 GB RAM' or 'GPU, 16 GB'")
    pack.add_argument("--zip", type=Path, dest="zip_out", help="also write the pack as this zip file")
    pack.set_defaults(handler=run_pack)

    manifest = actions.add_parser("manifest", help="write manifest.json (sha256 of every file) into a model folder")
    manifest.add_argument("folder", type=Path)
    manifest.add_argument("--kind", required=True, choices=("asr", "diarization", "llm"))
    manifest.add_argument("--name", help="model name (default: the folder name)")
    manifest.add_argument("--version", default="unknown")
    manifest.add_argument("--source", default="", help="where the files came from (for the audit trail)")
    manifest.set_defaults(handler=run_manifest)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def run_install(args: argparse.Namespace) -> int:
    from app.installed_models import runtime_status
    from app.model_packs import install_pack

    info, folder = install_pack(args.pack, replace=args.replace)
    print(f"installed {info.kind} model {info.name} {info.version} ({info.files} files, {_size(info.size)}, "
          f"verified) in {folder}")
    ok, why = runtime_status(info.runtime)
    if ok is False:
        print(f"warning: this model needs {info.runtime}: {why}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from app.installed_models import installed_models
    from app.paths import models_dir

    models = installed_models()
    if args.json:
        print(json.dumps([m.to_dict() for m in models], ensure_ascii=False, indent=2))
        return 0
    if not models:
        print(f"no models installed in {models_dir()} (install a pack: tingji models install PACK)")
        return 0
    print(f"{'KIND':<12} {'NAME':<32} {'VERSION':<14} {'STATE':<11} SIZE")
    for m in models:
        print(f"{m.kind:<12} {m.name:<32} {m.version:<14} {m.state:<11} {_size(m.size)}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Always hashes every file (the stat cache is not trusted here); exit 1 when anything fails."""
    from app.installed_models import installed_models
    from app.model_packs import verify_pack
    from asr.manifest import verify_manifest

    if args.name and Path(args.name).exists():
        path = Path(args.name)
        if path.is_dir() and not _is_pack(path):
            manifest = verify_manifest(path, use_cache=False)  # a model folder with a plain manifest
            print(f"{path}: {len(manifest['files'])} files verified")
            return 0
        info = verify_pack(path)
        print(f"{path}: {info.kind} pack {info.name} {info.version}, {info.files} files verified")
        return 0
    models = installed_models(use_cache=False)
    if args.name:
        kind, _, wanted = args.name.rpartition("/")
        models = [m for m in models if wanted in (m.folder.name, m.name) and kind in ("", m.kind)]
        if not models:
            raise ValueError(f"no installed model or folder named {args.name!r} (see `tingji models list`)")
    failed = 0
    for m in models:
        if m.state == "verified":
            print(f"{m.kind}/{m.folder.name}: verified")
        else:
            failed += 1
            print(f"{m.kind}/{m.folder.name}: {m.state.upper()}: {m.problem}")
    if failed:
        print(f"{failed} model(s) failed verification; reinstall them from their packs")
    return 1 if failed else 0


def _is_pack(folder: Path) -> bool:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and all(k in data for k in ("kind", "name", "version", "licence", "source",
                                                                "runtime"))


def run_remove(args: argparse.Namespace) -> int:
    from app.installed_models import remove_model

    print(f"removed {remove_model(args.name)}")
    return 0


def run_pack(args: argparse.Namespace) -> int:
    from app.model_packs import build_pack

    info = build_pack(args.folder, kind=args.kind, name=args.name, version=args.version, licence=args.licence,
                      source=args.source, runtime=args.runtime, hardware=args.hardware, zip_out=args.zip_out)
    where = f" and {args.zip_out}" if args.zip_out else ""
    print(f"packed {info.kind} model {info.name} {info.version}: {info.files} files, {_size(info.size)}; "
          f"manifest in {args.folder / 'manifest.json'}{where}")
    return 0


def run_manifest(args: argparse.Namespace) -> int:
    from asr.manifest import write_manifest

    if not args.folder.is_dir():
        raise ValueError(f"not a folder: {args.folder}")
    path = write_manifest(args.folder, kind=args.kind, name=args.name or args.folder.name, version=args.version,
                          source=args.source)
    print(f"wrote {path}")
    return 0
