"""List the unmodified reference sentences that the support check flags, and draw a seeded sample of them for a
human audit (see README.md in this folder).

It builds the sentences and calls the checker the way :func:`summarizer.faithfulness_eval.evaluate_faithfulness`
does (same loaders, same transcript index, same ``check_sentence`` call), so the flags listed are the eval's false
flags. Every flag is written with the checker's reason and the visit's transcript; the sample is drawn with
``random.Random(seed).sample`` over the flags in load order.

Usage::

    .venv/bin/python eval_audits/sample_false_flags.py --dataset aci-bench --split valid,test1 --size 40 \
        --out /tmp/aci_sample.jsonl
    .venv/bin/python eval_audits/sample_false_flags.py --dataset imcs --size 40 --out /tmp/imcs_sample.jsonl

Each output line: ``{"dataset", "split", "visit", "sentence", "verdict", "code", "reason", "evidence",
"transcript"}`` (the transcript as ``id role: text`` lines). ``--all`` writes every flag instead of a sample.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from summarizer.faithfulness_eval import _load
from summarizer.support import check_sentence, index_transcript

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDERS = {"aci-bench": "aci-bench", "imcs": "imcs21", "mie": "mie"}
SEED = 20250505


def flags(dataset: str, data: Path, splits: list[str | None]) -> list[dict]:
    """Every unmodified reference sentence judged ``unsupported`` or ``contradicted``, in load order."""
    out = []
    for split in splits:
        visits, vocabulary, split_name = _load(dataset, data, split)
        for visit in visits:
            idx = index_transcript(visit.utterances, visit.language, vocabulary=vocabulary)
            transcript = "\n".join(f"{u.id} {u.role}: {u.text}" for u in visit.utterances)
            for sentence in visit.sentences:
                result = check_sentence(sentence, visit.utterances, visit.language, index=idx)
                if result.verdict == "supported":
                    continue
                out.append({"dataset": dataset, "split": split_name, "visit": visit.id, "sentence": sentence,
                            "verdict": result.verdict, "code": result.code, "reason": result.reason,
                            "evidence": list(result.evidence), "transcript": transcript})
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(FOLDERS), required=True)
    parser.add_argument("--data", type=Path, help="data folder (default ../shared/data/<dataset folder>)")
    parser.add_argument("--split", default="", help="comma-separated splits (default: the eval's default)")
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--all", action="store_true", help="write every flag, not a sample")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    data = args.data or DATA / FOLDERS[args.dataset]
    splits = [s for s in args.split.split(",") if s] or [None]
    found = flags(args.dataset, data, splits)
    chosen = found if args.all or len(found) <= args.size else random.Random(args.seed).sample(found, args.size)
    with args.out.open("w", encoding="utf-8") as handle:
        for row in chosen:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{args.dataset} {','.join(s or 'default' for s in splits)}: {len(found)} flags, wrote {len(chosen)} "
          f"(seed {args.seed}) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
