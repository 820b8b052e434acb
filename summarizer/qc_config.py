"""病历质控 (record QC) rule names, their default severities, and the configuration that changes them.

A :class:`QcConfig` turns rules off, changes their severity and sets the chief-complaint length limit. The defaults
below apply unless a hospital-wide config (passed to :func:`summarizer.qc.run_qc`) or a template's ``qc:`` block
says otherwise; the template's block wins. This module imports nothing of the project so that
:mod:`summarizer.templates` can validate ``qc:`` blocks with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

__all__ = ["SEVERITIES", "OFF", "RULES", "DEFAULT_CHIEF_COMPLAINT_MAX", "QcConfig"]

SEVERITIES = ("error", "warning", "info")
OFF = "off"

# Rule name → default severity, in the order findings of one place are listed.
RULES: dict[str, str] = {
    "required_section": "error",          # a required section is missing or 未提及
    "chief_complaint_length": "error",    # 主诉 longer than the hospital's limit (default 20 字)
    "chief_complaint_duration": "warning",  # 主诉 without a duration (3天, 2周, 半年...)
    "chief_complaint_diagnosis": "warning",  # 主诉 names a diagnosis and no symptom
    "chief_complaint_symptom": "info",    # no symptom recognised in 主诉 (vocabulary-based, may miss rare words)
    "present_illness_onset": "warning",   # 现病史 does not say when it began
    "present_illness_course": "warning",  # 现病史 does not describe the course (加重/缓解/诊治经过)
    "necessary_negatives": "warning",     # a negative the template asks for (template ``negatives``) is absent
    "allergy_statement": "error",         # 过敏史 names no allergen and no denial
    "diagnosis_present": "error",         # no diagnosis
    "allergy_contradiction": "error",     # allergy denied in one place and named in another
    "allergy_drug_conflict": "error",     # a prescribed drug is, or is of the same class as, a stated allergen
    "allergy_cross_reactivity": "warning",  # a prescribed drug may cross-react (penicillin ↔ cephalosporin...)
    "section_length": "warning",          # another section longer than its template ``max_length``
}

# Chief-complaint limit when neither a config nor the template's section ``max_length`` sets one (0: none).
DEFAULT_CHIEF_COMPLAINT_MAX = {"zh": 20, "en": 0}


@dataclass(frozen=True)
class QcConfig:
    """Which QC rules run, at which severity, and the chief-complaint length limit.

    Attributes:
        chief_complaint_max_chars: Limit on 主诉 characters (punctuation and spaces not counted in Chinese); 0 turns
            the check off; None: the template section's ``max_length``, else :data:`DEFAULT_CHIEF_COMPLAINT_MAX`.
        severities: ``(rule, severity)`` overrides; severity is one of :data:`SEVERITIES` or ``"off"``.

    Raises:
        ValueError: An unknown rule, an unknown severity or a negative limit.
    """

    chief_complaint_max_chars: int | None = None
    severities: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        limit = self.chief_complaint_max_chars
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValueError(f"chief_complaint_max_chars must be a whole number ≥ 0, not {limit!r}")
        merged: dict[str, str] = {}
        for rule, severity in self.severities:
            if rule not in RULES:
                raise ValueError(f"unknown QC rule {rule!r} (known: {', '.join(RULES)})")
            if severity not in (*SEVERITIES, OFF):
                raise ValueError(f"severity of {rule} must be one of {', '.join((*SEVERITIES, OFF))}, not {severity!r}")
            merged[rule] = severity
        object.__setattr__(self, "severities", tuple(merged.items()))

    def severity(self, rule: str) -> str:
        """The severity the rule reports at, or ``"off"``.

        Raises:
            KeyError: Unknown rule.
        """
        default = RULES[rule]
        return dict(self.severities).get(rule, default)

    def enabled(self, rule: str) -> bool:
        """Whether the rule runs."""
        return self.severity(rule) != OFF

    def chief_complaint_limit(self, section_max_length: int, language: str) -> int:
        """The 主诉 limit in characters (0: none), given the template section's ``max_length``."""
        if self.chief_complaint_max_chars is not None:
            return self.chief_complaint_max_chars
        return section_max_length or DEFAULT_CHIEF_COMPLAINT_MAX.get(language, 0)

    def over(self, base: QcConfig) -> QcConfig:
        """This config's settings laid over ``base`` (what this one leaves unset comes from ``base``)."""
        limit = self.chief_complaint_max_chars
        return QcConfig(base.chief_complaint_max_chars if limit is None else limit,
                        base.severities + self.severities)

    def to_dict(self) -> dict:
        """The ``qc:`` mapping form: ``{"chief_complaint_max_chars": 20, "rules": {"rule": "off"}}``."""
        out: dict = {}
        if self.chief_complaint_max_chars is not None:
            out["chief_complaint_max_chars"] = self.chief_complaint_max_chars
        if self.severities:
            out["rules"] = dict(self.severities)
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> QcConfig:
        """Build from the :meth:`to_dict` form.

        Raises:
            ValueError: Unknown keys, rules or severities.
        """
        unknown = set(data) - {"chief_complaint_max_chars", "rules"}
        if unknown:
            raise ValueError(f"unknown QC setting(s): {', '.join(sorted(map(str, unknown)))}")
        rules = data.get("rules") or {}
        if not isinstance(rules, Mapping):
            raise ValueError("QC rules must be a mapping of rule → severity")
        return cls(data.get("chief_complaint_max_chars"), tuple((str(k), str(v)) for k, v in rules.items()))
