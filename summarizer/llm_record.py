"""Drafting the record with an LLM backend, section by section, each sentence tied to the utterances it cites.

The facts found by the extractive stage are used twice: to choose each section's most relevant utterances when a
long visit does not fit the model's context, and (by the support check) to judge what the model wrote.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import datetime, timezone
from typing import Callable, Sequence

from diarization.types import LabelledTranscript, Utterance
from summarizer.errors import ServerUnavailable, SummarizerError
from summarizer.llm_parse import parse_section
from summarizer.llm_types import GenerationOptions, LlmBackend
from summarizer.prompts import build_compact_prompts, build_section_prompts
from summarizer.record import Provenance, Record, RecordSection
from summarizer.templates import Template

__all__ = ["EmptyTranscriptError", "draft_record", "draft_with_fallback", "SectionCallback", "PROSE_SECTIONS",
           "llm_section_ids"]

log = logging.getLogger(__name__)

# Called with (section id, new text) while a section is generated.
SectionCallback = Callable[[str, str], None]

# The narrative sections, where a model's prose earns its decode time: the course of the illness and the plan.
# The list-like rest (主诉, 既往史, 过敏史, 诊断...) reads the same written from the extracted facts, at no cost;
# on a 2-core CPU every LLM-written token costs about 0.1 s (see ``tingji bench visit --sections``).
PROSE_SECTIONS = frozenset({"present_illness", "plan", "subjective", "assessment", "assessment_and_plan"})


def llm_section_ids(template: Template, choice: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """The sections an LLM writes for ``choice``: None or ``"all"`` (every section: None), ``"prose"`` (the
    template's :data:`PROSE_SECTIONS`), or section ids (a comma-separated string or a sequence).

    Raises:
        ValueError: An id the template does not have, or a choice that leaves no section to the LLM.
    """
    if choice is None or choice == "all":
        return None
    known = [section.id for section in template.sections]
    if choice == "prose":
        wanted = tuple(i for i in known if i in PROSE_SECTIONS)
    else:
        items = choice.split(",") if isinstance(choice, str) else choice
        wanted = tuple(dict.fromkeys(i.strip() for i in items if i.strip()))
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise ValueError(f"template {template.id} has no section {', '.join(unknown)} "
                             f"(its sections: {', '.join(known)})")
    if not wanted:
        raise ValueError(f"no section of template {template.id} is left for the LLM with {choice!r}")
    return wanted


class EmptyTranscriptError(SummarizerError):
    """The visit has no speech, so there is nothing to write a record from."""

    def __init__(self):
        super().__init__("the visit has no recognised speech, so no record was drafted; check the microphone and "
                         "record again, or write the record by hand")


def _utterances(transcript) -> tuple[tuple[Utterance, ...], str | None]:
    if isinstance(transcript, LabelledTranscript):
        return tuple(transcript.utterances), transcript.language
    return tuple(transcript), None


def _relevance(reference: Record):
    """Per section, the utterances the extractive record cites (what a long visit keeps first)."""
    evidence = {s.id: [i for sentence in s.sentences for i in sentence.evidence] for s in reference.sections}
    return lambda section: evidence.get(section.id, ())


def draft_record(transcript: LabelledTranscript | Sequence[Utterance], template: Template, backend: LlmBackend, *,
                 visit_id: str = "visit", options: GenerationOptions | None = None,
                 on_text: SectionCallback | None = None, notes: Sequence[str] = (), compact: bool | str = False,
                 llm_sections: str | Sequence[str] | None = None) -> Record:
    """Draft the record of a visit with an LLM backend.

    Args:
        transcript: The role-labelled transcript, or its utterances.
        template: The department template (sections, instructions, length limits, record language).
        backend: A loaded backend (:func:`summarizer.ct2_llm.load_llm` or :func:`summarizer.server_llm.connect`).
        visit_id: Id stored in the record.
        options: Decoding options (batching, prefix cache...).
        on_text: Receives ``(section id, new text)`` as the answer streams.
        notes: Extra provenance notes (e.g. a fallback that happened before).
        compact: Give each section only its extracted facts and their utterances instead of the whole transcript
            (:func:`summarizer.prompts.build_compact_prompts`): less to read and a faster decode on a CPU.
        llm_sections: Which sections the LLM writes (see :func:`llm_section_ids`: ``"prose"``, ids, or None for
            all); the others are taken from the facts-based draft, and the provenance names them.
            ``compact="auto"`` and ``llm_sections="auto"`` choose by where the model runs: on a CPU compact inputs
            and the prose sections only (the time-to-note profile, ``tingji bench visit``), else the whole
            transcript and every section.

    Returns:
        The record: one section per template section, sentences citing the utterances they came from (verdicts
        are set by the support check, :func:`summarizer.support.verify_record`).

    Raises:
        EmptyTranscriptError: No utterance has text.
        ServerUnavailable: A server backend could not be reached (see :func:`draft_with_fallback`).
    """
    options = options or GenerationOptions()
    started = time.perf_counter()
    on_cpu = backend.info.get("device") == "cpu"
    compact = on_cpu if compact == "auto" else bool(compact)
    if llm_sections == "auto":
        llm_sections = "prose" if on_cpu else None
    utterances, transcript_language = _utterances(transcript)
    utterances = tuple(u for u in utterances if u.text.strip())
    if not utterances:
        raise EmptyTranscriptError()
    language = template.language
    from summarizer.extractive import build_record

    # The facts-based draft guides long visits and writes the patient instructions from the same evidence.
    reference = build_record(utterances, template, language=transcript_language or language, verify=False)
    if compact:
        prompts = build_compact_prompts(template, utterances, reference)
    else:
        prompts = build_section_prompts(template, utterances, count_tokens=backend.count_tokens,
                                        context_tokens=backend.context_tokens, relevant=_relevance(reference))
    wanted = llm_section_ids(template, llm_sections)
    if wanted is not None:
        prompts = [p for p in prompts if p.section.id in wanted]
    prepared = time.perf_counter()
    ids = [p.section.id for p in prompts]
    outputs = backend.generate([p.prompt for p in prompts], options,
                               (lambda i, text: on_text(ids[i], text)) if on_text else None)
    generated = time.perf_counter()

    titles = [s.title for s in template.sections]
    written, record_notes = {}, list(notes)
    for item, output in zip(prompts, outputs):
        parsed = parse_section(output.text, item.section.title, language, item.utterance_ids, titles)
        written[item.section.id] = RecordSection(item.section.id, item.section.title, parsed.sentences,
                                                 parsed.not_discussed)
        if item.omitted and not compact:
            record_notes.append(f"{item.section.title}: the visit exceeds the model's context; "
                                f"{len(item.utterance_ids)} of {len(utterances)} utterances (the most relevant) "
                                f"were given to the model")
        if output.finish_reason == "length":
            record_notes.append(f"{item.section.title}: the answer reached its length limit and may be cut short")
        record_notes.extend(f"{item.section.title}: {r}" for r in parsed.repairs)
    from_facts = {s.id: s for s in reference.sections if s.id not in written}
    sections = [written.get(s.id) or from_facts[s.id] for s in template.sections]
    if from_facts:
        record_notes.append("written from the extracted facts, not by the model: "
                            + ", ".join(s.title for s in template.sections if s.id in from_facts))
    prompt_tokens = sum(o.prompt_tokens for o in outputs)
    new_tokens = sum(o.new_tokens for o in outputs)
    generate_s = generated - prepared
    timings = {
        "prepare_s": round(prepared - started, 3), "generate_s": round(generate_s, 3),
        "total_s": round(time.perf_counter() - started, 3), "prompt_tokens": prompt_tokens,
        "new_tokens": new_tokens, "tokens_per_s": round(new_tokens / generate_s, 2) if generate_s > 0 else None,
        "shared_prefix_tokens": max((o.timings.get("shared_prefix_tokens", 0) for o in outputs), default=0),
    }
    provenance = Provenance(
        backend=backend.name, template_id=template.id, template_version=template.version,
        template_sha256=template.sha256, model=backend.info,
        options={"batch": options.batch, "cache_prefix": options.cache_prefix, "compact": compact,
                 "llm_sections": list(wanted) if wanted is not None else "all",
                 "repetition_penalty": options.repetition_penalty, "temperature": options.temperature},
        timings=timings, notes=tuple(record_notes),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    from summarizer.support import verify_record

    record = verify_record(Record(visit_id, language, template.title, tuple(sections), provenance,
                                  reference.patient_instructions), utterances, transcript_language or language)
    log.info("LLM record: %d sections, %d prompt + %d new tokens, %.2f s", len(sections), prompt_tokens,
             new_tokens, timings["total_s"])
    return record


def draft_with_fallback(transcript, template: Template, backends: Sequence[Callable[[], LlmBackend | None]], *,
                        visit_id: str = "visit", options: GenerationOptions | None = None,
                        on_text: SectionCallback | None = None, compact: bool = False,
                        llm_sections: str | Sequence[str] | None = None) -> Record:
    """Try each backend in turn; an unreachable server falls through to the next, and the record says so.

    Args:
        backends: Factories (so a local model is only loaded if the server fails); the last may return None to
            mean "the extractive backend".
        compact, llm_sections: As for :func:`draft_record`.

    Raises:
        ServerUnavailable: Every backend was an unreachable server.
    """
    from summarizer.extractive import build_record

    notes: list[str] = []
    last: ServerUnavailable | None = None
    for make in backends:
        try:
            backend = make()
            if backend is None:
                record = build_record(transcript, template, visit_id=visit_id)
                return _with_notes(record, notes)
            return draft_record(transcript, template, backend, visit_id=visit_id, options=options,
                                on_text=on_text, notes=notes, compact=compact, llm_sections=llm_sections)
        except ServerUnavailable as error:
            log.warning("clinic server unavailable, falling back: %s", error)
            notes.append(f"fallback: {error}")
            last = error
    raise last or ServerUnavailable("no backend was configured")


def _with_notes(record: Record, notes: Sequence[str]) -> Record:
    if not notes:
        return record
    return dataclasses.replace(record, provenance=dataclasses.replace(
        record.provenance, notes=tuple(record.provenance.notes) + tuple(notes)))
