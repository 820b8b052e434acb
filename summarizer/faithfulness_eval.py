"""How well the support check (:mod:`summarizer.support`) tells faithful sentences from wrong ones, measured on
reference notes: their unmodified sentences should be judged supported (a flag on one is a false flag), and every
controlled error injected into them (:mod:`summarizer.error_injection`) should be flagged.

For the evaluation harness only (the data sets are not bundled; unit tests use tiny fixtures).

**What is counted.** For each reference sentence: the verdict on the sentence as written (false flag if not
``supported``), then one injection per error type. An injection counts as *caught* when the changed sentence is
flagged (``unsupported`` or ``contradicted``); its reason *matches* when the flag is about what was changed (a
negation flag for a flipped negation, a dose flag for a changed dose...). The caught share is reported over
injections into sentences whose unmodified version was judged supported (otherwise an existing flag would count as a
catch); injections into already-flagged sentences are reported apart. A type that does not apply to a sentence is
counted as skipped.

For MIE, sentences are built from the window labels and checked with the bundled vocabulary plus MIE's label names,
with concept names mapped to MIE's items (as ``tingji eval facts`` does).
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from pathlib import Path

from summarizer.error_injection import ERROR_TYPES, inject
from summarizer.faithfulness_adjudication import adjudicated_false_flags, load_adjudications
from summarizer.faithfulness_data import EvalVisit, load_aci, load_imcs, load_mie
from summarizer.support import check_sentence, index_transcript
from summarizer.vocab import Term, Vocabulary

__all__ = ["DATASETS", "EXPECTED_CODES", "evaluate_faithfulness", "mie_support_vocabulary"]

log = logging.getLogger(__name__)

DATASETS = ("aci-bench", "imcs", "mie")
# The flag codes that name what each error type changed.
EXPECTED_CODES = {"negation": {"negation", "unconfirmed"}, "number": {"number"}, "duration": {"duration"}, "dose": {"dose"},
                  "drug": {"drug", "unmentioned"}, "laterality": {"laterality"}, "added_symptom": {"unmentioned"}}
_EXAMPLES = 5


def mie_support_vocabulary(folder: str | Path) -> Vocabulary:
    """The bundled Chinese vocabulary plus MIE's label names, every concept renamed to the MIE item it maps to."""
    from summarizer.mie_eval import item_map, mie_vocabulary

    folder = Path(folder)
    base = mie_vocabulary(folder, "labels")
    ontology = json.loads((folder / "ontology.json").read_text(encoding="utf-8"))
    mapping = item_map(base, {n for c in ("症状", "检查", "手术") for n in ontology.get(c, [])})
    surfaces = {s: Term(t.kind, mapping.get(t.item, t.item), t.absent) for s, t in base.surfaces.items()}
    return Vocabulary("zh", surfaces)


def _load(dataset: str, data_path: Path, split: str | None) -> tuple[list[EvalVisit], Vocabulary | None, str]:
    if dataset == "aci-bench":
        return load_aci(data_path, split), None, split or "valid"
    if dataset == "imcs":
        return load_imcs(data_path, split), None, split or "all"
    folder = data_path if data_path.is_dir() else data_path.parent
    return load_mie(data_path, split), mie_support_vocabulary(folder), split or "dev"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate_faithfulness(dataset: str, data_path: str | Path, *, split: str | None = None, limit: int | None = None,
                          seed: int = 0, adjudications: str | Path | None = None) -> dict:
    """Caught shares per error type and false-flag share on unmodified reference sentences.

    Args:
        dataset: ``aci-bench``, ``imcs`` or ``mie``.
        data_path: The data set's folder (or one of its split files).
        split: Split name (ACI-Bench: ``train``/``valid``/``test1``/``test2``, default ``valid``; IMCS: ``train``/
            ``dev``/``test``, default all files; MIE: ``dev``).
        limit: Use only the first ``limit`` visits (dialogues, encounters or windows).
        seed: Seed of the error injection.
        adjudications: A file of reviewers' judgments of flagged reference sentences
            (:mod:`summarizer.faithfulness_adjudication`); adds ``"adjudicated"``, the false-flag share over the
            sentences the conversation supports.

    Returns:
        ``{"dataset", "split", "language", "visits", "sentences", "false_flags": {share, n, by_code},
        "errors": {type: {caught, n, reason_matches, skipped, ...}}, "overall": {...}, "timings": {...},
        "examples": {...}}``.

    Raises:
        ValueError: Unknown data set, or a malformed adjudication file.
        FileNotFoundError: The data or the adjudication file is missing.
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}, not {dataset!r}")
    data_path = Path(data_path)
    if not data_path.exists():
        raise FileNotFoundError(f"data not found: {data_path}")
    started = time.perf_counter()
    visits, vocabulary, split_name = _load(dataset, data_path, split)
    visits = visits[:limit] if limit else visits
    judgments = None if adjudications is None else load_adjudications(adjudications, dataset, split_name)
    loaded = time.perf_counter()
    sentences = flagged = 0
    flag_codes: Counter = Counter()
    stats = {t: Counter() for t in ERROR_TYPES}
    examples: dict = {"false_flags": [], **{f"missed_{t}": [] for t in ERROR_TYPES}}
    checks, check_time = 0, 0.0
    checked: list[tuple[str, str, bool]] = []  # (visit, sentence, flagged)
    language = visits[0].language if visits else ""
    for visit in visits:
        idx = index_transcript(visit.utterances, visit.language, vocabulary=vocabulary)
        transcript = "\n".join(u.text for u in visit.utterances)
        for sentence in visit.sentences:
            t0 = time.perf_counter()
            base = check_sentence(sentence, visit.utterances, visit.language, index=idx)
            check_time += time.perf_counter() - t0
            checks += 1
            sentences += 1
            original_ok = base.verdict == "supported"
            checked.append((visit.id, sentence, not original_ok))
            if not original_ok:
                flagged += 1
                flag_codes[base.code] += 1
                if len(examples["false_flags"]) < 4 * _EXAMPLES:
                    examples["false_flags"].append({"visit": visit.id, "sentence": sentence, "verdict": base.verdict,
                                                    "reason": base.reason})
            for error_type in ERROR_TYPES:
                injection = inject(sentence, error_type, visit.language, transcript=transcript, seed=seed,
                                   vocabulary=vocabulary or idx.vocab)
                s = stats[error_type]
                if injection is None:
                    s["skipped"] += 1
                    continue
                t0 = time.perf_counter()
                result = check_sentence(injection.text, visit.utterances, visit.language, index=idx)
                check_time += time.perf_counter() - t0
                checks += 1
                caught = result.verdict != "supported"
                if not original_ok:
                    s["on_flagged"] += 1
                    s["caught_on_flagged"] += caught
                    continue
                s["n"] += 1
                s["caught"] += caught
                s["reason_matches"] += caught and bool(set(result.codes) & EXPECTED_CODES[error_type])
                s["contradicted"] += result.verdict == "contradicted"
                if not caught and len(examples[f"missed_{error_type}"]) < _EXAMPLES:
                    examples[f"missed_{error_type}"].append({"visit": visit.id, "sentence": injection.text,
                                                             "changed": injection.changed, "reason": result.reason})
    elapsed = time.perf_counter() - started
    errors = {}
    for error_type, s in stats.items():
        errors[error_type] = {
            "caught": _share(s["caught"], s["n"]), "n": s["n"], "reason_matches": _share(s["reason_matches"], s["n"]),
            "contradicted": _share(s["contradicted"], s["n"]), "skipped": s["skipped"],
            "on_flagged_originals": s["on_flagged"], "caught_on_flagged_originals": s["caught_on_flagged"],
        }
    total_n = sum(s["n"] for s in stats.values())
    total_caught = sum(s["caught"] for s in stats.values())
    applicable = [t for t in ERROR_TYPES if stats[t]["n"]]
    report = {
        "dataset": dataset, "split": split_name, "language": language, "seed": seed, "data": str(data_path),
        "visits": len(visits), "sentences": sentences,
        "false_flags": {"share": _share(flagged, sentences), "n": flagged, "by_code": dict(flag_codes)},
        "errors": errors,
        "overall": {"caught": _share(total_caught, total_n), "n": total_n,
                    "macro_caught": round(sum(total for total in (stats[t]["caught"] / stats[t]["n"]
                                                                  for t in applicable)) / len(applicable), 4)
                    if applicable else None,
                    "reason_matches": _share(sum(s["reason_matches"] for s in stats.values()), total_n)},
        "timings": {"load_s": round(loaded - started, 3), "total_s": round(elapsed, 3), "checks": checks,
                    "mean_check_ms": round(1000 * check_time / max(checks, 1), 3)},
        "examples": examples,
    }
    if judgments is not None:
        report["adjudicated"] = adjudicated_false_flags(checked, judgments, str(adjudications))
    return report
