"""``tingji eval notes``: ROUGE of drafted records against reference notes (ACI-Bench, MTS-Dialog, IMCS)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register", "run_notes"]


def register(stages) -> None:
    """Add the ``notes`` stage to the ``tingji eval`` sub-commands.

    Args:
        stages: The ``eval`` command's argparse sub-parsers.
    """
    from app.commands.note import add_backend_arguments

    parser = stages.add_parser("notes", help="ROUGE of drafted records against ACI-Bench / MTS-Dialog / IMCS notes")
    parser.add_argument("--dataset", required=True, choices=("aci-bench", "mts-dialog", "imcs"))
    parser.add_argument("--data", type=Path, required=True,
                        help="the data set's folder (e.g. ../shared/data/aci-bench)")
    parser.add_argument("--split", help="aci-bench: valid (default), train, test1, test2, valid_aci_asr…; "
                                        "mts-dialog: validation (default), train, test; imcs: all (default), dev, "
                                        "train, test")
    parser.add_argument("--template", help="template id (default: soap-en; imcs: pediatrics-initial)")
    parser.add_argument("--limit", type=int, help="score only the first N examples")
    parser.add_argument("--output", type=Path, help="also write the JSON result to this file")
    add_backend_arguments(parser)
    parser.set_defaults(handler=run_notes)


def run_notes(args: argparse.Namespace) -> int:
    """Draft and score every example; print the JSON result (and save it with ``--output``)."""
    from app.commands.note import drafter_from_args
    from summarizer.note_eval import evaluate_notes

    if not args.data.exists():
        raise ValueError(f"data folder not found: {args.data}")
    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit must be at least 1, not {args.limit}")
    draft = drafter_from_args(args)
    result = evaluate_notes(args.dataset, args.data, split=args.split, draft=draft, template_id=args.template,
                            limit=args.limit)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0
