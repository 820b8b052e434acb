"""``tingji bench asr|diarization|llm|visit|ui``: speed benchmarks that print JSON (random weights at real sizes)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="speed benchmarks (JSON)")
    stages = parser.add_subparsers(dest="stage", metavar="STAGE", required=True)
    asr = stages.add_parser("asr", help="Whisper encoder/decoder speed at real sizes")
    asr.add_argument("--sizes", default="small,large-v3-turbo,large-v3")
    asr.add_argument("--threads", type=int, default=0)
    asr.add_argument("--repeats", type=int, default=3)
    asr.set_defaults(handler=run_asr)
    diar = stages.add_parser("diarization", help="pyannote file mode vs incremental mode at real size")
    diar.add_argument("--minutes", type=float, default=10.0)
    diar.add_argument("--threads", type=int, default=0)
    diar.add_argument("--modes", default="incremental,file")
    diar.set_defaults(handler=run_diarization)
    llm = stages.add_parser("llm", help="LLM prefill/decode speed and time to a full record at real sizes (int8)")
    llm.add_argument("--sizes", default="qwen2.5-1.5b,qwen2.5-7b")
    llm.add_argument("--record-sizes", default="qwen2.5-1.5b", help="sizes that also time a whole record")
    llm.add_argument("--threads", type=int, default=0)
    llm.add_argument("--prompt-tokens", type=int, default=3200, help="shared prompt of a 10-minute visit")
    llm.set_defaults(handler=run_llm)
    from app.visit_benchmark import build_parser

    visit = stages.add_parser("visit", help="time from Stop to a complete record for a whole synthetic visit")
    build_parser(visit)
    visit.set_defaults(handler=run_visit)
    ui = stages.add_parser("ui", help="longest event-loop stall of the window during a replayed visit")
    ui.add_argument("--asr", type=Path, help="Whisper folder (default: replay the sample's reference text)")
    ui.add_argument("--diarization", type=Path, help="pyannote pipeline folder")
    ui.add_argument("--speed", type=float, default=1.0, help="replay speed (1 = real time, 0 = as fast as possible)")
    ui.set_defaults(handler=run_ui)


def run_asr(args: argparse.Namespace) -> int:
    from asr import benchmark

    return benchmark.main(["--sizes", args.sizes, "--threads", str(args.threads), "--repeats", str(args.repeats)])


def run_diarization(args: argparse.Namespace) -> int:
    from diarization import benchmark

    return benchmark.main(["--minutes", str(args.minutes), "--threads", str(args.threads), "--modes", args.modes])


def run_llm(args: argparse.Namespace) -> int:
    from summarizer import llm_benchmark

    return llm_benchmark.main(["--sizes", args.sizes, "--record-sizes", args.record_sizes, "--threads",
                               str(args.threads), "--prompt-tokens", str(args.prompt_tokens)])


def run_visit(args: argparse.Namespace) -> int:
    from app import visit_benchmark

    return visit_benchmark.main(args=args)  # the options were registered by visit_benchmark.build_parser


def run_ui(args: argparse.Namespace) -> int:
    from app.ui.responsiveness import main

    return main(asr=args.asr, diarization=args.diarization, speed=args.speed)
