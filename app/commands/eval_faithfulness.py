"""``tingji eval faithfulness``: how many injected errors the support check catches, and its false flags."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register", "run_faithfulness"]


def register(stages) -> None:
    """Add the ``faithfulness`` stage to ``tingji eval``.

    Args:
        stages: The ``eval`` command's sub-parsers.
    """
    parser = stages.add_parser(
        "faithfulness", help="support check: injected errors caught, false flags on reference notes (JSON)",
        description="Check the sentences of reference notes (or sentences built from MIE labels) against their "
                    "conversations, then inject controlled errors (negation, number, duration, dose, drug, "
                    "laterality, added symptom) and report the share caught per type and the share of false "
                    "flags on the unmodified sentences.")
    parser.add_argument("--dataset", required=True, choices=("aci-bench", "imcs", "mie"))
    parser.add_argument("--data", type=Path, required=True,
                        help="the data set folder (e.g. ../shared/data/aci-bench, imcs21, mie) or a split file")
    parser.add_argument("--split", default=None,
                        help="aci-bench: train, valid (default), test1, test2 or a CSV stem such as valid_aci_asr; "
                             "imcs: train, dev or test (default: all files); mie: dev (default), or dev[A:B] for a "
                             "range of dialogues")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N visits")
    parser.add_argument("--seed", type=int, default=0, help="seed of the error injection (default 0)")
    parser.add_argument("--adjudications", type=Path, default=None,
                        help="reviewers' judgments of flagged reference sentences (JSON lines, e.g. "
                             "eval_audits/adjudicated_flags.jsonl): also report the false-flag share over the "
                             "sentences the conversation supports")
    parser.add_argument("--examples", action="store_true", help="include example misses and false flags")
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON report to this file")
    parser.set_defaults(handler=run_faithfulness)


def run_faithfulness(args: argparse.Namespace) -> int:
    """Run the evaluation and print its JSON report.

    Raises:
        ValueError: The data folder does not exist or the limit is not positive.
    """
    from summarizer.faithfulness_eval import evaluate_faithfulness

    if not args.data.exists():
        raise ValueError(f"data folder not found: {args.data}")
    if args.limit is not None and args.limit <= 0:
        raise ValueError("--limit must be a positive number of visits")
    if args.adjudications is not None and not args.adjudications.is_file():
        raise ValueError(f"adjudication file not found: {args.adjudications}")
    report = evaluate_faithfulness(args.dataset, args.data, split=args.split, limit=args.limit, seed=args.seed,
                                   adjudications=args.adjudications)
    if not args.examples:
        report.pop("examples", None)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0
