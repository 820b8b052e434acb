"""What the QC rules share: the record laid over its template, a rule's raw hit, and small text helpers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from summarizer.compose_common import section_key
from summarizer.qc_config import QcConfig
from summarizer.record import NOT_DISCUSSED, Record, RecordSection
from summarizer.templates import Section, Template

__all__ = ["Part", "Hit", "QcContext", "build_context", "count_chars", "clauses"]

_CLAUSE = {"zh": re.compile(r"[，,；;。！!？?\n]"), "en": re.compile(r"[,;!?\n]|\.(?!\d)")}


@dataclass(frozen=True)
class Part:
    """One section of the record with the template section it fills.

    Attributes:
        section: The template section (a stand-in built from the record when the template lacks it).
        record_section: The record's section, None when the record lacks it.
        kind: Canonical kind (:func:`summarizer.compose_common.section_key`), e.g. ``chief_complaint``.
        order: Position for sorting findings.
        in_template: False for a section only the record has (read for allergies, never required or judged).
    """

    section: Section
    record_section: RecordSection | None
    kind: str | None
    order: int
    in_template: bool = True

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def title(self) -> str:
        return self.record_section.title if self.record_section else self.section.title

    def sentences(self) -> list[tuple[int, str]]:
        """``(index, text)`` of the sentences that say something (none when not discussed)."""
        if self.record_section is None or self.record_section.not_discussed:
            return []
        markers = {m.strip("。. ").lower() for m in NOT_DISCUSSED.values()}
        return [(i, s.text.strip()) for i, s in enumerate(self.record_section.sentences)
                if s.text.strip() and s.text.strip().strip("。. ").lower() not in markers]

    def text(self, language: str) -> str:
        """The discussed text of the section ("" when not discussed)."""
        return ("" if language == "zh" else " ").join(t for _, t in self.sentences())

    def discussed(self) -> bool:
        return bool(self.sentences())


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding; :func:`summarizer.qc.run_qc` adds the severity and drops rules that are off."""

    rule: str
    part: Part
    message: str
    sentence_index: int | None = None
    key: str = ""
    related: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class QcContext:
    """Everything a rule reads."""

    record: Record
    template: Template
    config: QcConfig
    language: str
    parts: tuple[Part, ...]

    def of_kind(self, kind: str, *, template_only: bool = True) -> list[Part]:
        """The parts of one canonical kind, in order (by default only the template's)."""
        return [p for p in self.parts if p.kind == kind and (p.in_template or not template_only)]

    def zh(self) -> bool:
        return self.language == "zh"


def build_context(record: Record, template: Template, config: QcConfig) -> QcContext:
    """Pair every template section with the record's section of the same id; record-only sections come last."""
    by_id = {s.id: s for s in record.sections}
    parts = [Part(s, by_id.get(s.id), section_key(s), i) for i, s in enumerate(template.sections)]
    known = {s.id for s in template.sections}
    for record_section in record.sections:
        if record_section.id not in known:
            stand_in = Section(record_section.id, record_section.title, "")
            parts.append(Part(stand_in, record_section, section_key(stand_in), len(parts), in_template=False))
    language = "zh" if record.language == "zh" else "en"
    return QcContext(record, template, config, language, tuple(parts))


def count_chars(text: str, language: str) -> int:
    """Length as a length rule counts it: Chinese counts characters without spaces and punctuation (“字”; a
    decimal point counts); English counts every character of the stripped text."""
    if language != "zh":
        return len(text.strip())
    text = re.sub(r"(?<=\d)[.．](?=\d)", "0", text)  # a decimal point is part of the number
    return sum(1 for c in text if not c.isspace() and not unicodedata.category(c).startswith("P"))


def clauses(text: str, language: str) -> list[str]:
    """The clauses of a sentence (split at commas, semicolons and full stops)."""
    pattern = _CLAUSE["zh" if language == "zh" else "en"]
    return [c.strip() for c in pattern.split(text) if c.strip()]
