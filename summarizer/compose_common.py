"""Shared helpers of the extractive composers: choosing facts for a section and citing them.

A composer returns :data:`Line` values, ``(text, evidence ids)``; a line is only written from facts, and its
evidence is the union of those facts' utterance ids.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from summarizer.facts import UNCERTAIN_REASONS, Fact
from summarizer.templates import Section
from summarizer.vocab import load_vocabulary

__all__ = ["Line", "Composer", "ids", "definite", "said_by_patient", "pick", "linked", "section_key", "GENERAL",
           "AUSCULTATION", "split_panel", "panels"]

Line = tuple[str, tuple[str, ...]]
Composer = Callable[[Sequence[Fact], Section, dict], list[Line]]

# General condition: the name of the abnormal state → how its absence is written.
GENERAL = {"睡眠差": "睡眠可", "食欲差": "食欲可", "精神差": "精神可", "大小便异常": "大小便正常",
           "poor sleep": "sleeping well", "poor appetite": "normal appetite"}
AUSCULTATION = {"湿啰音", "干啰音", "干湿啰音", "哮鸣音", "心脏杂音", "crackles", "rhonchi", "wheezes", "heart murmur"}

_KEYWORDS = [
    ("chief_complaint", r"chief|complaint|主诉"),
    ("present_illness", r"present illness|hpi|现病史|病情变化"),
    ("allergy_history", r"allerg|过敏"),
    ("past_history", r"past|medical history|既往"),
    ("personal_family_history", r"social|family|personal|个人史|家族史|婚育|月经"),
    ("specialty_exam", r"specialty|专科"),
    ("physical_exam", r"physical|exam|体格|查体|体检"),
    ("auxiliary_exam", r"result|lab|imaging|辅助|检验|化验|影像"),
    ("diagnosis", r"assessment|diagnos|impression|诊断"),
    ("plan", r"plan|treatment|处理|治疗|医嘱|建议"),
]
_ALIASES = {"results": "auxiliary_exam", "assessment": "diagnosis", "subjective": "present_illness"}


def ids(*groups) -> tuple[str, ...]:
    """The utterance ids of facts (or iterables of facts), in order, without repeats."""
    out: list[str] = []
    for group in groups:
        for fact in (group if isinstance(group, (list, tuple)) else (group,)):
            out.extend(fact.utterance_ids)
    return tuple(dict.fromkeys(out))


def definite(fact: Fact) -> bool:
    """Stated as present or absent (not a question, an if-clause or a passing mention)."""
    return fact.status in ("present", "absent") and fact.detail not in UNCERTAIN_REASONS


def said_by_patient(fact: Fact) -> bool:
    """Asserted by the patient or a companion."""
    return fact.asserted_by in ("patient", "other")


def pick(facts: Sequence[Fact], kind: str, status: str | None = None, by: str | None = None,
         keep: Callable[[Fact], bool] | None = None) -> list[Fact]:
    """Facts of one kind, optionally of one status, one speaker side (``patient``/``doctor``) and a filter."""
    out = []
    for fact in facts:
        if fact.kind != kind or (status and fact.status != status):
            continue
        if by == "patient" and not said_by_patient(fact) or by == "doctor" and fact.asserted_by != "doctor":
            continue
        if keep is None or keep(fact):
            out.append(fact)
    return out


def linked(fact: Fact, candidates: Sequence[Fact]) -> list[Fact]:
    """Candidates said in one of the same utterances as ``fact``."""
    return [c for c in candidates if set(c.utterance_ids) & set(fact.utterance_ids)]


def split_panel(item: str, language: str) -> tuple[str, str]:
    """``血常规-白细胞`` → (``血常规``, ``白细胞``); an item whose part before ``-`` is no test (``chest x-ray``)
    stays whole: (item, "")."""
    head, _, tail = item.partition("-")
    if tail and head.lower() in {i.lower() for i in load_vocabulary(language).items("exam")}:
        return head, tail
    return item, ""


def panels(results: Sequence[Fact], language: str) -> dict[str, list[tuple[str, Fact]]]:
    """Results grouped by panel, each with its analyte name (empty for a test reported as a whole)."""
    grouped: dict[str, list[tuple[str, Fact]]] = {}
    for fact in results:
        panel, analyte = split_panel(fact.item, language)
        grouped.setdefault(panel, []).append((analyte, fact))
    return grouped


def section_key(section: Section) -> str | None:
    """Which composer writes a section: by id, else by keywords of its id and title, else None."""
    known = {k for k, _ in _KEYWORDS} | {"birth_growth_history"}
    if section.id in known:
        return section.id
    if section.id in _ALIASES:
        return _ALIASES[section.id]
    text = f"{section.id} {section.title}".lower().replace("_", " ")
    for key, pattern in _KEYWORDS:
        if re.search(pattern, text):
            return key
    return None
