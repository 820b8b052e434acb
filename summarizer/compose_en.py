"""English record sentences from facts (SOAP note style), one composer per section kind.

Like :mod:`summarizer.compose_zh`: names, values and durations come from the facts only.
"""

from __future__ import annotations

from typing import Sequence

from summarizer.compose_common import GENERAL, Line, definite, ids, linked, panels, pick
from summarizer.facts import Fact
from summarizer.templates import Section

__all__ = ["COMPOSERS"]

_VITAL_ORDER = ("temperature", "heart rate", "respiratory rate", "blood pressure", "oxygen saturation", "weight")
_ROUTES = ("by mouth", "IV", "inhaled", "topical")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _join(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(words))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _name(f: Fact) -> str:
    side = f"{f.laterality} " if f.laterality in ("left", "right", "bilateral") else ""
    return f"{side}{f.item}"


def _symptoms(facts: Sequence[Fact]) -> list[Fact]:
    return pick(facts, "symptom", "present", "patient", lambda f: definite(f) and f.item not in GENERAL)


def chief_complaint(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Chief complaint: the first symptoms with their shared duration, within ``max_length``."""
    symptoms = _symptoms(facts)
    if not symptoms:
        history = pick(facts, "history", "present", "patient", lambda f: definite(f) and f.duration)
        return [(f"{_cap(history[0].item)} for {history[0].duration}.", ids(history[0]))] if history else []
    timed = [f for f in symptoms if f.duration]
    group = [f for f in symptoms if f.duration == timed[0].duration] if timed else symptoms[:2]
    limit = section.max_length or 80
    while group:
        text = _cap(_join([_name(f) for f in group])) + (f" for {timed[0].duration}." if timed else ".")
        if len(text) <= limit or len(group) == 1:
            return [(text, ids(group))]
        group = group[:-1]
    return []


def present_illness(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """HPI: onset, associated symptoms, reported temperature, course, medicines tried, general condition and
    pertinent negatives."""
    lines: list[Line] = []
    symptoms = _symptoms(facts)
    sputum = [f for f in symptoms if f.item == "sputum"]
    main = [f for f in symptoms if f.item != "sputum"]
    if main or sputum:
        timed = [f for f in main if f.duration]
        lead = [f for f in main if timed and f.duration == timed[0].duration] or main[:1]
        others = [f for f in main if f not in lead]
        text = _cap(_join([_name(f) for f in lead])) + (f" for {timed[0].duration}" if timed else "") \
            if lead else "Reports sputum"
        if lead and sputum:
            text += ", productive of " + (sputum[0].detail or "sputum")
        if others:
            text += ", with " + _join([_name(f) + (f" for {f.duration}" if f.duration else "") for f in others])
        lines.append((text + ".", ids(lead, sputum, others)))
    for f in pick(facts, "vital", "present", "patient", lambda f: f.item == "temperature")[:1]:
        lines.append((f"{'Maximum temperature' if f.detail == 'max' else 'Temperature'} {f.value}.", ids(f)))
    for f in [f for f in main if "worse at night" in f.detail]:
        lines.append((f"{_cap(f.item)} worse at night.", ids(f)))
    hedged = pick(facts, "symptom", "uncertain", "patient", lambda f: f.detail == "hedged")
    if hedged:
        lines.append((f"Possibly {_join([f.item for f in hedged])}.", ids(hedged)))
    tried = [m for m in pick(facts, "medication", "present", "patient", definite) if not _chronic(m, facts)]
    if tried:
        lines.append((f"Has tried {_join([_drug(m) for m in tried])}.", ids(tried)))
    general = [f for f in pick(facts, "symptom", by="patient", keep=definite) if f.item in GENERAL]
    if general:
        lines.append((_cap(", ".join(f.item if f.status == "present" else GENERAL[f.item] for f in general)) + ".",
                      ids(general)))
    present = {f.item for f in symptoms}
    negatives = [f for f in pick(facts, "symptom", "absent", keep=definite)
                 if f.item not in present and f.item not in GENERAL]
    if negatives:
        lines.append((f"Denies {_join([f.item for f in negatives])}.", ids(negatives)))
    return lines


def _chronic(med: Fact, facts: Sequence[Fact]) -> bool:
    return bool(linked(med, pick(facts, "history", "present", keep=definite))) or bool(med.frequency)


def _drug(m: Fact) -> str:
    parts = [m.item, m.value]
    route = next((p for p in m.detail.split(", ") if p in _ROUTES), "")
    parts += [route, m.frequency, f"for {m.duration}" if m.duration else ""]
    purpose = [p for p in m.detail.split(", ") if p and p not in _ROUTES and p not in ("continue", "stop", "avoid")]
    return " ".join(p for p in parts + purpose if p)


def past_history(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Past history: conditions with their long-term medicines; denied conditions."""
    lines: list[Line] = []
    meds = pick(facts, "medication", "present", "patient", definite)
    used: list[Fact] = []
    for f in pick(facts, "history", "present", keep=definite):
        mine = [m for m in linked(f, meds) if m not in used]
        used += mine
        text = _cap(f.item) + (f" for {f.duration}" if f.duration else "")
        if mine:
            text += ", on " + _join([_drug(m) for m in mine])
        lines.append((text + ".", ids(f, mine)))
    rest = [m for m in meds if m not in used and m.frequency]
    if rest:
        lines.append((f"Takes {_join([_drug(m) for m in rest])}.", ids(rest)))
    absent = pick(facts, "history", "absent", keep=definite)
    if absent:
        lines.append((f"Denies {_join([f.item for f in absent])}.", ids(absent)))
    return lines


def allergy_history(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Allergies with reactions, or the denial the patient gave."""
    present = [f for f in pick(facts, "allergy", "present", keep=definite) if f.item not in ("allergies",)]
    lines: list[Line] = []
    for item in dict.fromkeys(f.item for f in present):
        group = [f for f in present if f.item == item]
        reaction = next((f.detail for f in group if f.detail), "")
        lines.append((f"{_cap(item)} allergy" + (f" ({reaction})" if reaction else "") + ".", ids(group)))
    if not present:
        absent = pick(facts, "allergy", "absent", keep=definite)
        if absent:
            generic = [f for f in absent if f.item in ("allergies", "drug", "food")]
            text = "No known drug allergies." if generic else f"Not allergic to {_join([f.item for f in absent])}."
            lines.append((text, ids(absent)))
    return lines


def personal_family_history(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Social history: smoking and alcohol as the patient described them."""
    habits = pick(facts, "habit", by="patient", keep=definite) or pick(facts, "habit", keep=definite)
    parts = []
    for f in habits:
        if f.status == "absent":
            parts.append({"smoking": "does not smoke", "alcohol": "does not drink alcohol"}.get(f.item, f"no {f.item}"))
        else:
            verb = {"smoking": "smokes", "alcohol": "drinks alcohol"}.get(f.item, f.item)
            extra = " ".join(p for p in (f.value, f.frequency, f"for {f.duration}" if f.duration else "") if p)
            parts.append(f"{verb} {extra}".strip())
    return [(_cap("; ".join(dict.fromkeys(parts))) + ".", ids(habits))] if parts else []


def _finding(f: Fact) -> str:
    site = f" at the {f.detail}" if f.detail else ""
    if f.status == "absent":
        return f"no {f.item}{site}"
    return f"{f.value + ' ' if f.value else ''}{f.item}{site}"


def physical_exam(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Physical examination: the vital signs and findings the clinician stated."""
    lines: list[Line] = []
    vitals = sorted(pick(facts, "vital", "present", "doctor"),
                    key=lambda f: _VITAL_ORDER.index(f.item) if f.item in _VITAL_ORDER else 99)
    if vitals:
        lines.append((_cap(", ".join(f"{f.item} {f.value}" for f in vitals)) + ".", ids(vitals)))
    findings = pick(facts, "finding", keep=definite)
    if ctx.get("specialty"):
        findings = [f for f in findings if not (f.detail or f.laterality)]
    if findings:
        lines.append((_cap("; ".join(_finding(f) for f in findings)) + ".", ids(findings)))
    return lines


def specialty_exam(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Specialty examination: findings with a body site or side."""
    findings = [f for f in pick(facts, "finding", keep=definite) if f.detail or f.laterality]
    return [(_cap("; ".join(_finding(f) for f in findings)) + ".", ids(findings))] if findings else []


def auxiliary_exam(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Results grouped by test panel."""
    results = pick(facts, "exam", "present", keep=lambda f: definite(f) and f.detail != "ordered"
                   and bool(f.value or f.detail))
    lines: list[Line] = []
    for panel, group in panels(results, "en").items():
        parts = [" ".join(p for p in (analyte, f.value, f.detail) if p) for analyte, f in group]
        lines.append((f"{_cap(panel)}: {'; '.join(parts)}.", ids([f for _, f in group])))
    return lines


def diagnosis(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Assessment: the clinician's diagnoses (hedged ones as Possible …), then known chronic conditions."""
    stated = pick(facts, "diagnosis", keep=lambda f: f.status == "present" or (
        f.status == "uncertain" and f.detail not in ("asked", "conditional", "mentioned")))
    names, cited = [], []
    for f in stated:
        site = f" ({f.detail})" if f.detail and f.detail != "hedged" else ""
        names.append(("Possible " if f.status == "uncertain" else "") + (f.item if f.status == "uncertain"
                                                                       else _cap(f.item)) + site)
        cited.append(f)
    for f in pick(facts, "history", "present", keep=definite):
        if f.item not in {d.item for d in stated} and f.kind == "history":
            names.append(_cap(f.item))
            cited.append(f)
    return [("; ".join(dict.fromkeys(names)) + ".", ids(cited))] if names else []


def plan(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """Plan: tests ordered, medicines, advice, return precautions, follow-up."""
    lines: list[Line] = []
    ordered = pick(facts, "exam", "present", "doctor", lambda f: f.detail == "ordered")
    if ordered:
        lines.append((f"{_cap(_join([f.item for f in ordered]))} ordered.", ids(ordered)))
    for m in pick(facts, "medication", by="doctor", keep=definite):
        if m.status == "absent":
            lines.append((f"{'Stop' if 'stop' in m.detail else 'Avoid'} {m.item}.", ids(m)))
        elif "continue" in m.detail:
            lines.append((f"Continue {_drug(m)}.", ids(m)))
        else:
            lines.append((_cap(_drug(m)) + ".", ids(m)))
    advice = pick(facts, "advice", "present", "doctor", lambda f: f.item not in ("seek emergency care", "call 911"))
    if advice:
        lines.append((_cap("; ".join(f.item for f in advice)) + ".", ids(advice)))
    for f in pick(facts, "advice", "present", "doctor", lambda f: f.item in ("seek emergency care", "call 911")):
        action = "Call 911" if f.item == "call 911" else "Seek emergency care"
        lines.append((f"{action} if {f.detail}." if f.detail else f"{action} if worse.", ids(f)))
    follow = pick(facts, "followup", "present", "doctor")
    if follow:
        parts = []
        for f in follow:
            if f.item == "follow-up":
                parts.append("follow up" + (f" in {f.duration}" if f.duration else ""))
            else:
                parts.append(f"recheck {f.detail}")
        lines.append((_cap("; ".join(dict.fromkeys(parts))) + ".", ids(follow)))
    return lines


COMPOSERS = {
    "chief_complaint": chief_complaint, "present_illness": present_illness, "past_history": past_history,
    "allergy_history": allergy_history, "personal_family_history": personal_family_history,
    "physical_exam": physical_exam, "specialty_exam": specialty_exam, "auxiliary_exam": auxiliary_exam,
    "diagnosis": diagnosis, "plan": plan,
}
