"""``tingji diarize AUDIO --model DIR``: who spoke when, as RTTM or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register", "add_diarization_arguments", "diarization_options"]


def add_diarization_arguments(parser: argparse.ArgumentParser) -> None:
    """Speaker-count options shared by the commands that diarize."""
    parser.add_argument("--speakers", type=int, help="exact number of speakers, when known")
    parser.add_argument("--min-speakers", type=int)
    parser.add_argument("--max-speakers", type=int)


def diarization_options(args: argparse.Namespace):
    from diarization.types import DiarizationOptions

    for name in ("speakers", "min_speakers", "max_speakers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
    return DiarizationOptions(num_speakers=args.speakers, min_speakers=args.min_speakers,
                              max_speakers=args.max_speakers)


def register(subparsers) -> None:
    parser = subparsers.add_parser("diarize", help="find who spoke when in an audio file")
    parser.add_argument("audio", type=Path)
    parser.add_argument("--model", type=Path, required=True, help="pyannote speaker-diarization folder")
    parser.add_argument("--format", default="rttm", choices=("rttm", "json"))
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    add_diarization_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.progress import ProgressBar
    from asr.types import to_dict
    from diarization.diarize import diarize_file
    from diarization.model import load_diarization
    from diarization.rttm import format_rttm

    options = diarization_options(args)
    engine = load_diarization(args.model, device=args.device)
    result = diarize_file(engine, args.audio, options, progress=ProgressBar("diarizing"))
    if args.format == "json":
        print(json.dumps(to_dict(result), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_rttm(result.overlapping_turns, uri=args.audio.stem))
    if not result.turns:
        print("tingji: no speech found in the audio", file=sys.stderr)
    return 0
