"""``tingji eval diarization``: quality measures for sites that have real models and reference data."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="evaluate a stage on reference data (JSON)")
    stages = parser.add_subparsers(dest="stage", metavar="STAGE", required=True)
    diar = stages.add_parser("diarization", help="DER / JER against reference RTTM files")
    diar.add_argument("--audio", type=Path, required=True, help="folder of audio files")
    diar.add_argument("--rttm", type=Path, required=True, help="folder of <same name>.rttm references")
    diar.add_argument("--model", type=Path, required=True, help="pyannote speaker-diarization folder")
    diar.add_argument("--collar", type=float, default=0.0)
    diar.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    diar.set_defaults(handler=run_diarization)
    facts = stages.add_parser("facts", help="fact extraction against MIE's (item, status) labels")
    facts.add_argument("--dataset", default="mie", choices=("mie",))
    facts.add_argument("--data", type=Path, required=True, help="the MIE folder (e.g. ../shared/data/mie)")
    facts.add_argument("--split", default="dev")
    facts.set_defaults(handler=run_facts)
    from app.commands import eval_faithfulness, eval_notes

    eval_notes.register(stages)
    eval_faithfulness.register(stages)


def run_diarization(args: argparse.Namespace) -> int:
    from diarization.evaluation import evaluate_folder
    from diarization.model import load_diarization

    engine = load_diarization(args.model, device=args.device)
    print(json.dumps(evaluate_folder(engine, args.audio, args.rttm, collar=args.collar), ensure_ascii=False,
                     indent=2))
    return 0


def run_facts(args: argparse.Namespace) -> int:
    from summarizer.mie_eval import evaluate_mie

    if not args.data.exists():
        raise ValueError(f"data folder not found: {args.data}")
    print(json.dumps(evaluate_mie(args.data, split=args.split), ensure_ascii=False, indent=2))
    return 0
