"""The outpatient record draft: sections of sentences, each sentence tied to the utterances it came from.

A :class:`Record` is what every backend produces and what the editor, the QC rules and the exports read. It always
says how it was made (:class:`Provenance`: backend, model, template id/version/hash, options, timings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from asr.types import to_dict

__all__ = ["VERDICTS", "NOT_DISCUSSED", "Sentence", "RecordSection", "Provenance", "Record", "record_from_dict"]

VERDICTS = ("unchecked", "supported", "unsupported", "contradicted")
NOT_DISCUSSED = {"zh": "未提及", "en": "Not discussed."}


@dataclass(frozen=True)
class Sentence:
    """One statement of the record.

    Attributes:
        text: The statement.
        evidence: Ids of the utterances it is based on (empty: no evidence).
        verdict: ``unchecked``, ``supported``, ``unsupported`` (nothing in the visit says it) or ``contradicted``.
        reason: Why the verdict was given (e.g. "dose 0.25 g differs from 0.5 g said in u031").
        reviewed: The doctor has looked at the flag.
    """

    text: str
    evidence: tuple[str, ...] = ()
    verdict: str = "unchecked"
    reason: str = ""
    reviewed: bool = False

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")


@dataclass(frozen=True)
class RecordSection:
    """One template section filled in (or marked not discussed)."""

    id: str
    title: str
    sentences: tuple[Sentence, ...] = ()
    not_discussed: bool = False

    def text(self, language: str = "zh") -> str:
        """The section body as the EMR shows it."""
        if self.not_discussed or not self.sentences:
            return NOT_DISCUSSED.get(language, NOT_DISCUSSED["en"])
        joiner = "" if language == "zh" else " "
        return joiner.join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Provenance:
    """How a record was made."""

    backend: str
    template_id: str
    template_version: str
    template_sha256: str
    model: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    created: str = ""


@dataclass(frozen=True)
class Record:
    """A record draft for one visit."""

    visit_id: str
    language: str
    title: str
    sections: tuple[RecordSection, ...]
    provenance: Provenance
    patient_instructions: tuple[RecordSection, ...] = ()  # 患者版医嘱, when the template asks for them

    def section(self, section_id: str) -> RecordSection:
        """The section with this id.

        Raises:
            KeyError: No such section.
        """
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def emr_text(self) -> str:
        """Plain text ready to paste into the hospital EMR: ``标题：内容`` per section."""
        colon = "：" if self.language == "zh" else ": "
        return "\n".join(f"{s.title}{colon}{s.text(self.language)}" for s in self.sections)

    def patient_text(self) -> str:
        """The patient-facing instructions as a printable page (empty when there are none)."""
        if not self.patient_instructions:
            return ""
        heading = "患者版医嘱" if self.language == "zh" else "Instructions for the patient"
        colon = "：" if self.language == "zh" else ": "
        lines = [heading]
        lines += [f"{s.title}{colon}{s.text(self.language)}" for s in self.patient_instructions]
        return "\n".join(lines)

    def to_json(self) -> str:
        """JSON with every sentence's evidence and verdict, and the provenance."""
        return json.dumps(to_dict(self), ensure_ascii=False, indent=2)


def record_from_dict(data: dict) -> Record:
    """Rebuild a :class:`Record` from :meth:`Record.to_json` output.

    Raises:
        ValueError: A field is missing or has the wrong shape.
    """
    def sections_of(items) -> tuple[RecordSection, ...]:
        return tuple(
            RecordSection(
                s["id"], s["title"],
                tuple(Sentence(x["text"], tuple(x.get("evidence", ())), x.get("verdict", "unchecked"),
                               x.get("reason", ""), bool(x.get("reviewed", False))) for x in s.get("sentences", ())),
                bool(s.get("not_discussed", False)),
            )
            for s in items
        )

    try:
        sections = sections_of(data["sections"])
        patient = sections_of(data.get("patient_instructions", ()))
        p = data["provenance"]
        provenance = Provenance(
            p["backend"], p["template_id"], p["template_version"], p["template_sha256"], dict(p.get("model", {})),
            dict(p.get("options", {})), dict(p.get("timings", {})), tuple(p.get("notes", ())), p.get("created", ""),
        )
        return Record(data["visit_id"], data["language"], data["title"], sections, provenance, patient)
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a TingJi record: missing or malformed field {error}") from error
