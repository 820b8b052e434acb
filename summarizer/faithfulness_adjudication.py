"""Human judgments of the faithfulness eval's flags on reference sentences, and the false-flag share they give.

A reference note is not always true to its conversation: annotators copy chart data, template exam text, ages
computed from a date of birth, diagnoses they inferred. A flag on such a sentence is right, yet the eval counts it as
a false flag. An adjudication file records, per flagged reference sentence, a reviewer's judgment:

- ``flag_right``: the conversation does not support the sentence (or only part of it);
- ``checker_wrong``: it does, and the checker missed it;
- ``borderline``: reviewers could disagree. Counted as ``checker_wrong``, so that doubt never helps the checker.

:func:`adjudicated_false_flags` then reports the false-flag share over the sentences that the conversation supports:
sentences judged ``flag_right`` leave the denominator (flagged or not), and a flag that no judgment covers counts as
a false flag. The raw share stays in the report beside it.

File format: JSON lines with ``dataset``, ``split``, ``visit``, ``sentence``, ``judgment`` and, for the reader,
``category`` and ``justification`` (see ``eval_audits/README.md``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

__all__ = ["JUDGMENTS", "load_adjudications", "adjudicated_false_flags"]

JUDGMENTS = ("flag_right", "checker_wrong", "borderline")

def load_adjudications(path: str | Path, dataset: str, split: str) -> dict[tuple[str, str], str]:
    """The judgments of one data set and split, by ``(visit, sentence)``.

    Raises:
        FileNotFoundError: No such file.
        ValueError: A line is not JSON, lacks a field, has an unknown judgment, or judges one sentence two ways.
    """
    path = Path(path)
    out: dict[tuple[str, str], str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            key = (row["dataset"], str(row["split"]), str(row["visit"]), row["sentence"])
            judgment = row["judgment"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not an adjudication line ({exc})") from None
        if judgment not in JUDGMENTS:
            raise ValueError(f"{path}:{number}: judgment must be one of {JUDGMENTS}, not {judgment!r}")
        if key[0] != dataset or key[1] != split:
            continue
        previous = out.setdefault(key[2:], judgment)
        if previous != judgment:
            raise ValueError(f"{path}:{number}: {key[2]} {key[3]!r} is judged both {previous} and {judgment}")
    return out


def adjudicated_false_flags(sentences: Iterable[tuple[str, str, bool]], judgments: dict[tuple[str, str], str],
                            source: str = "") -> dict:
    """The false-flag share over the sentences the conversation supports.

    Args:
        sentences: ``(visit, sentence, flagged)`` for every unmodified reference sentence checked.
        judgments: From :func:`load_adjudications`.
        source: The file the judgments came from (reported).

    Returns:
        ``{"file", "share", "n", "sentences", "reference_unsupported", "reference_unsupported_accepted",
        "judged_flags": {judgment: count}, "unjudged_flags"}``: ``n`` false flags over ``sentences`` supported
        sentences; ``reference_unsupported_accepted`` counts sentences judged ``flag_right`` that the checker now
        accepts (misses, not false flags).
    """
    total = false_flags = unsupported = accepted = unjudged = 0
    judged: Counter = Counter()
    for visit, sentence, flagged in sentences:
        judgment = judgments.get((visit, sentence))
        if judgment == "flag_right":
            unsupported += 1
            accepted += not flagged
            judged[judgment] += flagged
            continue
        total += 1
        if flagged:
            false_flags += 1
            if judgment is None:
                unjudged += 1
            else:
                judged[judgment] += 1
    return {"file": source, "share": round(false_flags / total, 4) if total else None, "n": false_flags,
            "sentences": total, "reference_unsupported": unsupported,
            "reference_unsupported_accepted": accepted, "judged_flags": dict(judged), "unjudged_flags": unjudged}
