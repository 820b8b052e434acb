"""Score drafted records against reference notes, the way each source scores (``tingji eval notes``).

The drafted record is first written out in the source's note conventions, from its sections' canonical keys
(:func:`summarizer.compose_common.section_key`, so any template with recognisable sections works):

- **ACI-Bench** (default template ``soap-en``): the note is every section with content as ``TITLE`` line, blank
  line, section text (one line), blank line — the reference notes' layout; sections not discussed are left out, as
  a reference note leaves them out. Divisions: subjective = chief complaint, present illness, past, allergy and
  personal/family history; objective_exam = physical and specialty exam; objective_results = results;
  assessment_and_plan = assessment/diagnosis and plan. ROUGE-1/2/L/Lsum (``rouge-score`` without stemming, as
  ACI-Bench's ``evaluate_fullnote.py`` through HF ``evaluate``) of the full note and of each division against the
  split's ``<split>_<division>.json`` reference, averaged over examples. An empty predicted division is the script's
  ``#####EMPTY#####`` filler. Deliberate difference: the script writes division texts with ``__lf1__`` for newlines
  (which its tokenizer keeps as a word ``lf1``, and which makes rougeLsum one-line); here divisions keep their
  newlines, so division rougeLsum is the real summary-level score.
- **IMCS-21** (default ``pediatrics-initial``): 主诉 ← chief complaint; 现病史 ← present illness; 辅助检查 ←
  results; 既往史 ← past history + allergy history; 诊断 ← diagnosis; 建议 ← plan; an empty field is written
  ``暂缺。`` as the references write it. As the official ``eval_mrg.py``: the prediction and each reference
  flattened to ``key：value`` joined by tabs in the reference's key order, character-level ROUGE-1/2/L
  (:func:`summarizer.rouge.char_rouge`), averaged over the references, then over examples. Per-field scores
  (ours, not the source's) compare the field values alone, skipping references whose field is empty. Because the
  flattened keys and placeholders match by themselves, ``empty_report_baseline`` reports what a report of six
  ``暂缺。`` fields scores; read the backend's score against it.
- **MTS-Dialog** (default ``soap-en``): the section header maps to our sections (:data:`MTS_SECTIONS`: ROS →
  present illness; medications, surgical, gynaecological, immunisation history → past history; FAM/SOCHX →
  personal/family history, which ``soap-en`` lacks); the text of those sections (empty if the template has none or
  they are not discussed) is scored against ``section_text`` with ROUGE-1 (MEDIQA-Chat 2023 Task A's measure;
  2/L/Lsum reported too), overall and per header. Header classification accuracy is not measured.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Callable, Sequence

from summarizer.compose_common import section_key
from summarizer.imcs_data import IMCS_KEYS
from summarizer.note_datasets import DATASETS, DEFAULT_SPLITS, NoteExample, read_examples
from summarizer.record import Record
from summarizer.rouge import CHAR_ROUGE_TYPES, ROUGE_TYPES, char_rouge, rouge_scores
from summarizer.templates import Section

__all__ = ["DEFAULT_TEMPLATES", "ACI_DIVISION_SECTIONS", "IMCS_SECTIONS", "MTS_SECTIONS", "ACI_EMPTY", "IMCS_EMPTY",
           "record_parts", "aci_note", "imcs_report", "evaluate_notes"]

log = logging.getLogger(__name__)

Drafter = Callable[[Sequence, str, str], Record]

DEFAULT_TEMPLATES = {"aci-bench": "soap-en", "mts-dialog": "soap-en", "imcs": "pediatrics-initial"}
ACI_DIVISION_SECTIONS = {
    "subjective": ("chief_complaint", "present_illness", "past_history", "allergy_history",
                   "personal_family_history"),
    "objective_exam": ("physical_exam", "specialty_exam"),
    "objective_results": ("auxiliary_exam",),
    "assessment_and_plan": ("diagnosis", "plan"),
}
IMCS_SECTIONS = {"主诉": ("chief_complaint",), "现病史": ("present_illness",), "辅助检查": ("auxiliary_exam",),
                 "既往史": ("past_history", "allergy_history"), "诊断": ("diagnosis",), "建议": ("plan",)}
_PAST = ("past_history",)
MTS_SECTIONS = {
    "CC": ("chief_complaint",), "GENHX": ("present_illness",), "ROS": ("present_illness",),
    "PASTMEDICALHX": _PAST, "PASTSURGICAL": _PAST, "MEDICATIONS": _PAST, "IMMUNIZATIONS": _PAST, "GYNHX": _PAST,
    "OTHER_HISTORY": _PAST, "PROCEDURES": _PAST, "FAM/SOCHX": ("personal_family_history",),
    "ALLERGY": ("allergy_history",), "EXAM": ("physical_exam", "specialty_exam"),
    "LABS": ("auxiliary_exam",), "IMAGING": ("auxiliary_exam",),
    "ASSESSMENT": ("diagnosis",), "DIAGNOSIS": ("diagnosis",), "PLAN": ("plan",), "DISPOSITION": ("plan",),
    "EDCOURSE": ("plan",),
}
ACI_EMPTY = "#####EMPTY#####"
IMCS_EMPTY = "暂缺。"


def record_parts(record: Record) -> list[tuple[str | None, str, str]]:
    """``(canonical key, title, text)`` of each section that has content, in record order.

    Args:
        record: A drafted record.

    Returns:
        Sections marked not discussed (or without sentences) are left out.
    """
    parts = []
    for section in record.sections:
        if section.not_discussed or not section.sentences:
            continue
        key = section_key(Section(section.id, section.title, "-"))
        parts.append((key, section.title, section.text(record.language)))
    return parts


def aci_note(parts: Sequence[tuple[str | None, str, str]], keys: Sequence[str] | None = None) -> str:
    """Sections written as an ACI-Bench note.

    Args:
        parts: :func:`record_parts` output.
        keys: Keep only sections with these canonical keys (None: all).

    Returns:
        ``TITLE``, blank line, section text, blank line, per section; "" when none is kept.
    """
    return "".join(f"{title.upper()}\n\n{text}\n\n" for key, title, text in parts if keys is None or key in keys)


def imcs_report(parts: Sequence[tuple[str | None, str, str]]) -> dict[str, str]:
    """Sections written as an IMCS report.

    Args:
        parts: :func:`record_parts` output of a Chinese record.

    Returns:
        The six fields in :data:`IMCS_SECTIONS` order; ``暂缺。`` where no section with content maps to a field.
    """
    return {field: "".join(text for key, _, text in parts if key in keys) or IMCS_EMPTY
            for field, keys in IMCS_SECTIONS.items()}


def _mean_scores(rows: list[dict[str, float]], types: Sequence[str]) -> dict[str, float]:
    return {t: round(mean(r[t] for r in rows), 4) for t in types} | {"n": len(rows)}


def _f(scores: dict) -> dict[str, float]:
    return {kind: score.fmeasure for kind, score in scores.items()}


@dataclass(frozen=True)
class _Scored:
    overall: dict[str, float]
    sections: dict[str, dict[str, float]]
    empty: tuple[str, ...] = ()  # sections (divisions, fields, headers) for which the record had nothing
    baseline: dict[str, float] | None = None


def _score_aci(example: NoteExample, parts) -> _Scored:
    overall = _f(rouge_scores(example.note, aci_note(parts)))
    sections, empty = {}, []
    for division, reference in (example.references[0].items() if example.references else ()):
        predicted = aci_note(parts, ACI_DIVISION_SECTIONS[division])
        if not predicted:
            empty.append(division)
        sections[division] = _f(rouge_scores(reference or ACI_EMPTY, predicted or ACI_EMPTY))
    return _Scored(overall, sections, tuple(empty))


def _flatten(report: dict[str, str], keys: Sequence[str]) -> str:
    return "\t".join(f"{key}：{report.get(key, IMCS_EMPTY)}" for key in keys)


def _imcs_overall(predicted: dict[str, str], references: Sequence[dict[str, str]]) -> dict[str, float]:
    pairs = [_f(char_rouge(_flatten(predicted, list(ref)), _flatten(ref, list(ref)))) for ref in references]
    return {t: mean(p[t] for p in pairs) for t in CHAR_ROUGE_TYPES}


def _score_imcs(example: NoteExample, parts) -> _Scored:
    predicted = imcs_report(parts)
    sections = {}
    for field in IMCS_KEYS:
        fields = [_f(char_rouge(predicted[field], ref[field])) for ref in example.references if ref.get(field)]
        if fields:
            sections[field] = {t: mean(p[t] for p in fields) for t in CHAR_ROUGE_TYPES}
    return _Scored(_imcs_overall(predicted, example.references), sections,
                   tuple(k for k in IMCS_KEYS if predicted[k] == IMCS_EMPTY),
                   _imcs_overall({k: IMCS_EMPTY for k in IMCS_KEYS}, example.references))


def _score_mts(example: NoteExample, parts) -> _Scored:
    header, text = next(iter(example.references[0].items()))
    keys = MTS_SECTIONS.get(header.upper(), ())
    predicted = " ".join(t for key, _, t in parts if key in keys)
    overall = _f(rouge_scores(text, predicted))
    return _Scored(overall, {header: overall}, () if predicted else (header,))


_SCORERS = {"aci-bench": (_score_aci, ROUGE_TYPES), "imcs": (_score_imcs, CHAR_ROUGE_TYPES),
            "mts-dialog": (_score_mts, ROUGE_TYPES)}
_METRICS = {
    "aci-bench": "rouge-score F1 (no stemming) of the full note (rougeLsum newline-split) and of the four "
                 "divisions, mean over examples",
    "imcs": "IMCS-21 eval_mrg.py: character-level ROUGE F1 of 'key：value' flattened in the reference's key order, "
            "mean over the references, then over examples",
    "mts-dialog": "rouge-score F1 (no stemming) of the mapped section text against section_text (ROUGE-1 is the "
                  "MEDIQA-Chat measure), mean over examples",
}


def _notes(dataset: str, split: str, scored: Sequence[NoteExample], headers, keys: set) -> list[str]:
    notes = []
    targets = {"aci-bench": ACI_DIVISION_SECTIONS, "imcs": IMCS_SECTIONS, "mts-dialog": MTS_SECTIONS}[dataset]
    missing = sorted(name for name in headers if name in targets and not set(targets[name]) & keys)
    if missing:
        notes.append(f"the template has no section for {', '.join(missing)} (always scored as empty)")
    if dataset == "aci-bench" and not any(e.references for e in scored):
        notes.append(f"split {split} has no division reference files: only the full note is scored")
    if dataset == "imcs":
        notes.append("empty_report_baseline: every field written 暂缺。 — the score the flattened keys and "
                     "placeholders earn without any content")
    if dataset == "mts-dialog":
        unmapped = sorted(h for h in headers if h.upper() not in MTS_SECTIONS)
        if unmapped:
            notes.append(f"headers with no mapped section (scored against an empty text): {', '.join(unmapped)}")
    return notes


def evaluate_notes(dataset: str, data_path: Path, *, split: str | None, draft: Drafter,
                   template_id: str | None = None, limit: int | None = None) -> dict:
    """Draft a record for every example of a split and score it against the reference.

    Args:
        dataset: ``aci-bench``, ``mts-dialog`` or ``imcs``.
        data_path: The data set's folder.
        split: The split (None: ``valid``, ``validation``, ``all`` respectively).
        draft: ``(utterances, template_id, visit_id) -> Record``, e.g. from ``app.commands.note.drafter_from_args``.
        template_id: Template to draft with (default :data:`DEFAULT_TEMPLATES`).
        limit: Score only the first ``limit`` examples that have a reference.

    Returns:
        JSON-ready dict: the settings, ``counts``, ``scores`` (``overall`` and per division / field / header: mean
        F1 as fractions, ``n`` examples and ``empty``, how many of them the record left empty; IMCS adds
        ``empty_report_baseline``), ``timings`` (seconds) and ``examples`` (id, drafting time, scores).

    Raises:
        ValueError: Unknown data set, a missing or malformed data folder, or a split with no reference.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r} (known: {', '.join(DATASETS)})")
    started = time.perf_counter()
    split = split or DEFAULT_SPLITS[dataset]
    template_id = template_id or DEFAULT_TEMPLATES[dataset]
    examples = read_examples(dataset, Path(data_path), split)
    scored = [e for e in examples if e.references or (dataset == "aci-bench" and e.note)]
    if limit is not None:
        scored = scored[:max(limit, 0)]
    if not scored:
        raise ValueError(f"{data_path}: the {dataset} {split} split has no example with a reference to score")
    scorer, types = _SCORERS[dataset]
    rows, results, backends, keys = [], [], set(), set()
    draft_total = score_total = 0.0
    for example in scored:
        tick = time.perf_counter()
        record = draft(example.utterances, template_id, example.id)
        drafted = time.perf_counter()
        result = scorer(example, record_parts(record))
        score_total += time.perf_counter() - drafted
        draft_total += drafted - tick
        backends.add(record.provenance.backend)
        keys |= {section_key(Section(s.id, s.title, "-")) for s in record.sections}
        results.append(result)
        rows.append({"id": example.id, "draft_s": round(drafted - tick, 4), "utterances": len(example.utterances),
                     "sections_filled": sum(not s.not_discussed for s in record.sections),
                     "overall": {t: round(v, 4) for t, v in result.overall.items()},
                     "sections": {n: {t: round(v, 4) for t, v in s.items()} for n, s in result.sections.items()},
                     "empty": list(result.empty)})
        log.info("scored %s: %s", example.id, rows[-1]["overall"])
    by_section: dict[str, list[dict[str, float]]] = {}
    for result in results:
        for name, section_scores in result.sections.items():
            by_section.setdefault(name, []).append(section_scores)
    scores = {"overall": _mean_scores([r.overall for r in results], types),
              "sections": {name: _mean_scores(rows_, types) | {"empty": sum(name in r.empty for r in results)}
                           for name, rows_ in by_section.items()}}
    if dataset == "imcs":
        scores["empty_report_baseline"] = _mean_scores([r.baseline for r in results], types)
    return {
        "dataset": dataset, "split": split, "data": str(data_path), "template": template_id,
        "backend": ",".join(sorted(backends)), "metric": _METRICS[dataset],
        "counts": {"examples": len(examples), "scored": len(scored),
                   "without_reference": sum(not (e.references or e.note) for e in examples)},
        "scores": scores,
        "timings": {"total_s": round(time.perf_counter() - started, 3), "draft_total_s": round(draft_total, 3),
                    "draft_mean_s": round(draft_total / len(rows), 4),
                    "draft_max_s": max(r["draft_s"] for r in rows), "score_total_s": round(score_total, 3)},
        "notes": _notes(dataset, split, scored, by_section, keys),
        "examples": rows,
    }
