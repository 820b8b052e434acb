"""Run the faithfulness eval on every data set of the audit and print one line per set: caught %, raw false flags %
and the false flags over the sentences that the conversation supports (``adjudicated_flags.jsonl``).

Usage: .venv/bin/python eval_audits/run_evals.py OUT.json [NAME ...]
Names: aci-valid aci-test1 aci-test2 imcs mie (default: all).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from summarizer.faithfulness_eval import evaluate_faithfulness

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
ADJUDICATIONS = HERE / "adjudicated_flags.jsonl"
RUNS = {
    "aci-valid": ("aci-bench", DATA / "aci-bench", "valid"),
    "aci-test1": ("aci-bench", DATA / "aci-bench", "test1"),
    "aci-test2": ("aci-bench", DATA / "aci-bench", "test2"),
    "imcs": ("imcs", DATA / "imcs21", None),
    "mie": ("mie", DATA / "mie", None),
}


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    names = argv[1:] or list(RUNS)
    results = json.loads(out.read_text()) if out.exists() else {}
    for name in names:
        dataset, path, split = RUNS[name]
        report = evaluate_faithfulness(dataset, path, split=split, adjudications=ADJUDICATIONS)
        adj = report["adjudicated"]
        results[name] = {"caught": report["overall"]["caught"], "n": report["overall"]["n"],
                         "false_flags": report["false_flags"]["share"], "flagged": report["false_flags"]["n"],
                         "sentences": report["sentences"], "by_code": report["false_flags"]["by_code"],
                         "errors": {t: e["caught"] for t, e in report["errors"].items()}, "adjudicated": adj}
        out.write_text(json.dumps(results, indent=1))
        r = results[name]
        print(f"{name:10s} caught {100 * r['caught']:.2f}% (n={r['n']})  false flags {100 * r['false_flags']:.2f}% "
              f"({r['flagged']}/{r['sentences']})  adjudicated {100 * adj['share']:.2f}% "
              f"({adj['n']}/{adj['sentences']}; unjudged {adj['unjudged_flags']}, reference unsupported "
              f"{adj['reference_unsupported']}, of them accepted {adj['reference_unsupported_accepted']})",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
