"""The "extractive" record backend: the record drafted from extracted facts, without a model.

Every sentence restates facts (:mod:`summarizer.facts`) and cites the utterances they came from; a section with
nothing to say is marked not discussed. It runs anywhere, instantly, and is the fallback when no model is installed.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import datetime, timezone
from typing import Sequence

from diarization.types import LabelledTranscript, Utterance
from summarizer import compose_en, compose_zh
from summarizer.compose_common import section_key
from summarizer.facts import Fact, extract_facts
from summarizer.patient_instructions import build_patient_instructions
from summarizer.record import Provenance, Record, RecordSection, Sentence
from summarizer.templates import Section, Template

__all__ = ["BACKEND", "build_record", "record_from_facts"]

log = logging.getLogger(__name__)

BACKEND = "extractive"


def _fit(lines: list[tuple[str, tuple[str, ...]]], section: Section) -> list[tuple[str, tuple[str, ...]]]:
    """Drop trailing sentences until the section fits its ``max_length`` (the first sentence always stays)."""
    if not section.max_length:
        return lines
    kept, total = [], 0
    for text, evidence in lines:
        if kept and total + len(text) > section.max_length:
            break
        kept.append((text, evidence))
        total += len(text)
    return kept


def _section(facts: Sequence[Fact], section: Section, template: Template, valid: set[str] | None) -> RecordSection:
    composers = compose_zh.COMPOSERS if template.language == "zh" else compose_en.COMPOSERS
    key = section_key(section)
    composer = composers.get(key) if key else None
    ctx = {"specialty": any(section_key(s) == "specialty_exam" for s in template.sections)}
    lines = composer(facts, section, ctx) if composer else []
    sentences = tuple(
        Sentence(text, tuple(e for e in evidence if valid is None or e in valid))
        for text, evidence in _fit(lines, section) if text.strip() and evidence
    )
    return RecordSection(section.id, section.title, sentences, not_discussed=not sentences)


def record_from_facts(facts: Sequence[Fact], template: Template, *, visit_id: str = "visit",
                      utterance_ids: Sequence[str] | None = None, timings: dict | None = None) -> Record:
    """Compose a record from facts already extracted.

    Args:
        facts: The visit's facts.
        template: The department template; its language is the record's language.
        visit_id: Id stored in the record.
        utterance_ids: Ids of the visit's utterances; evidence outside them is dropped (None: keep all).
        timings: Timings to store in the provenance.

    Returns:
        The record, one section per template section, in template order.
    """
    valid = set(utterance_ids) if utterance_ids is not None else None
    sections = tuple(_section(facts, s, template, valid) for s in template.sections)
    provenance = Provenance(
        backend=BACKEND, template_id=template.id, template_version=template.version,
        template_sha256=template.sha256, model={}, options={}, timings=dict(timings or {}),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    patient = build_patient_instructions(facts, template.language) if template.patient_instructions else ()
    return Record(visit_id, template.language, template.title, sections, provenance, patient)


def build_record(transcript: LabelledTranscript | Sequence[Utterance], template: Template, *,
                 visit_id: str = "visit", language: str | None = None, verify: bool = True) -> Record:
    """Draft the outpatient record of a visit with the extractive backend.

    Args:
        transcript: The role-labelled transcript, or its utterances.
        template: The department template (sections, order, length limits, record language).
        visit_id: Id stored in the record.
        language: Language of the transcript (``zh``/``en``); by default the transcript's, else the template's.
        verify: Run the support check on every sentence (:func:`summarizer.support.verify_record`).

    Returns:
        A :class:`~summarizer.record.Record` whose every sentence cites the utterances it restates; sections
        with nothing to say are marked not discussed.
    """
    started = time.perf_counter()
    if isinstance(transcript, LabelledTranscript):
        utterances = tuple(transcript.utterances)
        language = language or transcript.language
    else:
        utterances = tuple(transcript)
    language = language or template.language
    facts = extract_facts(utterances, language)
    record = record_from_facts(facts, template, visit_id=visit_id, utterance_ids=[u.id for u in utterances])
    if verify:
        from summarizer.support import verify_record

        record = verify_record(record, utterances, language, facts=facts)
    elapsed = time.perf_counter() - started
    log.info("extractive record: %d facts, %d sections filled, %.3f s", len(facts),
             sum(not s.not_discussed for s in record.sections), elapsed)
    return dataclasses.replace(record, provenance=dataclasses.replace(record.provenance,
                                                                      timings={"total_s": round(elapsed, 4)}))
