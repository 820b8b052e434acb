"""病历质控 (record QC): findings a doctor should look at before signing a drafted record.

:func:`run_qc` checks a :class:`~summarizer.record.Record` against its template: required sections filled, 主诉
(symptom + duration, within the length rule), 现病史 (onset and course), the negatives the template asks for, an
allergy statement, a diagnosis, and contradictions (an allergy denied in one place and named in another; a drug
prescribed that the patient is allergic to). Which rules run and at which severity is a :class:`QcConfig`: the
defaults (:data:`RULES`), laid under by a hospital-wide config and over by the template's ``qc:`` block.

Every :class:`Finding` has a stable :attr:`Finding.id` (rule, section and, where one section can have several, a
key such as the drug) so that the editor can keep the doctor's "reviewed" mark across re-runs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from summarizer.qc_allergy import ALLERGY_RULES
from summarizer.qc_common import build_context
from summarizer.qc_config import OFF, RULES, SEVERITIES, QcConfig
from summarizer.qc_rules import STRUCTURE_RULES
from summarizer.record import Record
from summarizer.templates import Template

__all__ = ["SEVERITIES", "RULES", "QcConfig", "Finding", "run_qc", "finding_from_dict", "findings_to_json",
           "has_errors"]

log = logging.getLogger(__name__)

_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


@dataclass(frozen=True)
class Finding:
    """One QC finding.

    Attributes:
        rule: Rule name (a key of :data:`RULES`), stable across versions.
        severity: ``error`` (fix before signing), ``warning`` (check) or ``info``.
        message: What is wrong and what to write, in the record's language.
        section_id: The section it points to.
        sentence_index: 0-based index of the sentence in that section; None for the section as a whole.
        section_title: The section's heading, for display.
        key: Distinguishes findings of one rule in one section (the drug and allergen, the missing negatives).
        related: Other places involved, ``(section_id, sentence_index)`` (the allergy a drug conflicts with).
        reviewed: The doctor has looked at it.
    """

    rule: str
    severity: str
    message: str
    section_id: str
    sentence_index: int | None = None
    section_title: str = ""
    key: str = ""
    related: tuple[tuple[str, int | None], ...] = ()
    reviewed: bool = False

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def id(self) -> str:
        """``rule:section_id`` plus ``:key`` when set; independent of sentence positions."""
        return f"{self.rule}:{self.section_id}" + (f":{self.key}" if self.key else "")

    def to_dict(self) -> dict:
        """JSON-ready form, with :attr:`id`."""
        data = asdict(self)
        data["related"] = [{"section_id": s, "sentence_index": i} for s, i in self.related]
        return {"id": self.id, **data}


def finding_from_dict(data: dict) -> Finding:
    """Rebuild a :class:`Finding` from :meth:`Finding.to_dict` output (``id`` is recomputed).

    Raises:
        ValueError: A field is missing or malformed.
    """
    try:
        index = data.get("sentence_index")
        return Finding(
            str(data["rule"]), str(data["severity"]), str(data["message"]), str(data["section_id"]),
            None if index is None else int(index), str(data.get("section_title", "")), str(data.get("key", "")),
            tuple((str(r["section_id"]), None if r.get("sentence_index") is None else int(r["sentence_index"]))
                  for r in data.get("related", ())),
            bool(data.get("reviewed", False)),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a QC finding: missing or malformed field {error}") from error


def findings_to_json(findings: list[Finding]) -> str:
    """The findings as a JSON array."""
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding has ``error`` severity."""
    return any(f.severity == "error" for f in findings)


def run_qc(record: Record, template: Template, *, config: QcConfig | None = None) -> list[Finding]:
    """Check a record against its template.

    Args:
        record: The record (any backend, or edited by the doctor).
        template: The template it should follow; sections are matched by id, and rules find the chief complaint,
            history, allergies, diagnosis and plan by :func:`summarizer.compose_common.section_key`, so templates
            with other ids work too.
        config: Hospital-wide settings; the template's ``qc:`` block overrides them. None: the defaults.

    Returns:
        Findings in the order of the template's sections, then of sentences (section-wide first), then of
        :data:`RULES`; at most one per :attr:`Finding.id`.
    """
    effective = template.qc.over(config or QcConfig())
    ctx = build_context(record, template, effective)
    findings: dict[str, tuple[tuple, Finding]] = {}
    for rule in (*STRUCTURE_RULES, *ALLERGY_RULES):
        for hit in rule(ctx):
            severity = effective.severity(hit.rule)
            if severity == OFF:
                continue
            finding = Finding(hit.rule, severity, hit.message, hit.part.id, hit.sentence_index, hit.part.title,
                              hit.key, hit.related)
            order = (hit.part.order, -1 if hit.sentence_index is None else hit.sentence_index, _RULE_ORDER[hit.rule])
            findings.setdefault(finding.id, (order, finding))
    result = [f for _, f in sorted(findings.values(), key=lambda item: item[0])]
    log.info("QC: %d findings (%d errors) on %d sections", len(result), sum(f.severity == "error" for f in result),
             len(record.sections))
    return result
