"""``tingji doctor [--json]``: is this workstation ready for a visit? Exit 1 when something blocks one."""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check this workstation: hardware, models, audio, server, config")
    parser.add_argument("--json", action="store_true", help="machine-readable report (for fleet checks)")
    parser.add_argument("--no-audio", action="store_true", help="skip probing the audio devices")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.doctor import run_doctor

    report = run_doctor(audio=not args.no_audio)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.text())
    return 0 if report.ok else 1
