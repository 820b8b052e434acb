"""``tingji bench asr``: speed benchmarks that print JSON (random weights at real sizes)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="speed benchmarks (JSON)")
    parser.add_argument("stage", choices=("asr",))
    parser.add_argument("--sizes", default="small,large-v3-turbo,large-v3")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from asr import benchmark

    return benchmark.main(["--sizes", args.sizes, "--threads", str(args.threads), "--repeats", str(args.repeats)])
