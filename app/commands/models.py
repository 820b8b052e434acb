"""``tingji models manifest DIR``: record the checksums of a model folder you have checked."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("models", help="model folders: checksum manifests")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    manifest = actions.add_parser("manifest", help="write manifest.json (sha256 of every file) into a model folder")
    manifest.add_argument("folder", type=Path)
    manifest.add_argument("--kind", required=True, choices=("asr", "diarization", "llm"))
    manifest.add_argument("--name", help="model name (default: the folder name)")
    manifest.add_argument("--version", default="unknown")
    manifest.add_argument("--source", default="", help="where the files came from (for the audit trail)")
    manifest.set_defaults(handler=run_manifest)
    verify = actions.add_parser("verify", help="check a model folder against its manifest.json")
    verify.add_argument("folder", type=Path)
    verify.set_defaults(handler=run_verify)


def run_manifest(args: argparse.Namespace) -> int:
    from asr.manifest import write_manifest

    if not args.folder.is_dir():
        raise ValueError(f"not a folder: {args.folder}")
    path = write_manifest(args.folder, kind=args.kind, name=args.name or args.folder.name, version=args.version,
                          source=args.source)
    print(f"wrote {path}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from asr.manifest import verify_manifest

    manifest = verify_manifest(args.folder)
    print(f"{args.folder}: {len(manifest['files'])} files verified")
    return 0
