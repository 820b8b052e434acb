"""``tingji gui``: open the desktop client (the sample visit opens by itself when no speech model is installed)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop client")
    parser.add_argument("--sample", action="store_true", help="open the bundled sample visit")
    parser.add_argument("--replay", action="store_true",
                        help="replay the sample visit's audio as if it were recorded (no microphone needed)")
    parser.add_argument("--language", choices=("zh_CN", "en"), help="interface language for this run")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.ui.application import run as run_window

    return run_window(sample=args.sample, replay=args.replay, language=args.language)
