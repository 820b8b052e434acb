"""Chinese record sentences from facts (门诊病历 style), one composer per section kind.

Every composer only restates facts: names, values and durations come from the facts, connecting words
(出现、伴、否认、可闻及…) from the record style.
"""

from __future__ import annotations

from typing import Sequence

from summarizer.compose_common import (AUSCULTATION, GENERAL, Line, definite, ids, linked, panels, pick,
                                       said_by_patient)
from summarizer.facts import Fact
from summarizer.templates import Section

__all__ = ["COMPOSERS"]

_VITAL_ORDER = ("体温", "心率", "呼吸", "血压", "血氧饱和度", "体重")


def _name(f: Fact) -> str:
    lateral = f.laterality if f.laterality in ("左", "右", "双") and not f.item.startswith(f.laterality) else ""
    frequency = f.frequency if f.frequency in ("偶尔", "经常", "有时") else ""
    return f"{frequency}{lateral}{f.item}"


def _symptoms(facts: Sequence[Fact]) -> list[Fact]:
    return pick(facts, "symptom", "present", "patient", lambda f: definite(f) and f.item not in GENERAL)


def chief_complaint(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """主诉: the patient's first symptoms with their shared duration, within ``max_length``."""
    symptoms = _symptoms(facts)
    limit = section.max_length or 20
    if not symptoms:
        history = pick(facts, "history", "present", "patient", lambda f: definite(f) and f.duration)
        return [(f"{history[0].item}{history[0].duration}。", ids(history[0]))] if history else []
    timed = [f for f in symptoms if f.duration]
    group = [f for f in symptoms if f.duration == timed[0].duration] if timed else symptoms[:2]
    duration = timed[0].duration if timed else ""
    while group:
        text = f"{'、'.join(_name(f) for f in group)}{duration}。"
        if len(text) <= limit or len(group) == 1:
            return [(text[:limit] if len(text) > limit else text, ids(group))]
        group = group[:-1]
    return []


def present_illness(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """现病史: onset, accompanying symptoms, reported temperature, course, medicines tried, general condition and
    pertinent negatives."""
    lines: list[Line] = []
    symptoms = _symptoms(facts)
    sputum = [f for f in symptoms if f.item == "咳痰"]
    main = [f for f in symptoms if f.item != "咳痰"]
    if main or sputum:
        timed = [f for f in main if f.duration]
        lead = [f for f in main if timed and f.duration == timed[0].duration] or main[:1]
        others = [f for f in main if f not in lead]
        head = f"{timed[0].duration}前出现" if timed else "诉"
        parts = [head + "、".join(_name(f) for f in lead)] if lead else []
        parts += [f"咳{f.detail}" if f.detail else "咳痰" for f in sputum]
        if others:
            parts.append("伴" + "、".join(_name(f) + (f.duration if f.duration else "") for f in others))
        lines.append(("，".join(parts) + "。", ids(lead, sputum, others)))
    temps = pick(facts, "vital", "present", "patient", lambda f: f.item == "体温")
    for f in temps[:1]:
        lines.append((f"{'最高' if f.detail == '最高' else ''}体温{f.value}。", ids(f)))
    for f in [f for f in main if "夜间加重" in f.detail]:
        lines.append((f"夜间{f.item}加重。", ids(f)))
    hedged = pick(facts, "symptom", "uncertain", "patient", lambda f: f.detail == "hedged")
    if hedged:
        lines.append(("诉可能有" + "、".join(_name(f) for f in hedged) + "。", ids(hedged)))
    tried = [m for m in pick(facts, "medication", "present", "patient", definite) if not _chronic(m, facts)]
    if tried:
        lines.append(("已自服" + "、".join(_drug_history(m).removeprefix("口服") for m in tried) + "。", ids(tried)))
    general = [f for f in pick(facts, "symptom", by="patient", keep=definite) if f.item in GENERAL]
    if general:
        text = "，".join(f.item if f.status == "present" else GENERAL[f.item] for f in general)
        lines.append((text + "。", ids(general)))
    present = {f.item for f in symptoms}
    negatives = [f for f in pick(facts, "symptom", "absent", keep=definite)
                 if f.item not in present and f.item not in GENERAL]
    if negatives:
        lines.append(("无" + "、".join(dict.fromkeys(f.item for f in negatives)) + "。", ids(negatives)))
    return lines


def _chronic(med: Fact, facts: Sequence[Fact]) -> bool:
    history = pick(facts, "history", "present", keep=definite)
    return bool(linked(med, history)) or bool(med.frequency)


def _drug(m: Fact) -> str:
    parts = [f"{m.item}{m.value}"]
    route = next((p for p in m.detail.split("，") if p in ("口服", "静脉滴注", "肌内注射", "外用", "雾化吸入",
                                                        "舌下含服")), "")
    parts += [p for p in (route, m.frequency, f"共{m.duration}" if m.duration else "") if p]
    purpose = [p for p in m.detail.split("，") if p and p != route and p not in ("照常服用", "继续服用")]
    return "，".join(parts + purpose)


def past_history(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """既往史: conditions and operations with their long-term medicines; denied conditions."""
    lines: list[Line] = []
    meds = pick(facts, "medication", "present", "patient", definite)
    used: list[Fact] = []
    for f in pick(facts, "history", "present", keep=definite):
        mine = [m for m in linked(f, meds) if m not in used]
        used += mine
        if f.item.endswith("术") or f.item in ("剖宫产", "清创缝合", "介入治疗"):
            text = f"{f.duration}前行{f.item}" if f.duration else f"曾行{f.item}"
        else:
            text = f"{f.item}{f.duration}" if f.duration else f"{f.item}病史"
        text += "".join(f"，{_drug_history(m)}" for m in mine)
        lines.append((text + "。", ids(f, mine)))
    rest = [m for m in meds if m not in used and m.frequency]
    if rest:
        lines.append(("长期" + "；".join(_drug_history(m) for m in rest) + "。", ids(rest)))
    hedged = pick(facts, "history", "uncertain", "patient", lambda f: f.detail == "hedged")
    if hedged:
        lines.append(("不确定是否有" + "、".join(f.item for f in hedged) + "。", ids(hedged)))
    absent = pick(facts, "history", "absent", keep=definite)
    if absent:
        lines.append(("否认" + "、".join(dict.fromkeys(f.item for f in absent)) + "。", ids(absent)))
    return lines


def _drug_history(m: Fact) -> str:
    route = "口服" if "口服" in m.detail else ""
    dose = f"{m.item}{m.value}"
    return f"{route}{dose}" + (f"，{m.frequency}" if m.frequency else "")


def allergy_history(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """过敏史: allergens with reactions, or the denial the patient gave."""
    lines: list[Line] = []
    present = pick(facts, "allergy", "present", keep=definite)
    for item in dict.fromkeys(f.item for f in present):
        group = [f for f in present if f.item == item]
        reaction = next((f.detail for f in group if f.detail), "")
        name = "药物" if item == "过敏史" else item
        lines.append((f"{name}过敏" + (f"（{reaction}）" if reaction else "") + "。", ids(group)))
    if not present:
        absent = pick(facts, "allergy", "absent", keep=definite)
        generic = [f for f in absent if f.item in ("过敏史", "药物", "食物")]
        if generic:
            kinds = {f.item for f in generic}
            what = "药物、食物" if "过敏史" in kinds or kinds == {"药物", "食物"} else next(iter(kinds))
            lines.append((f"否认{what}过敏史。", ids(generic)))
        specific = [f for f in absent if f not in generic]
        if specific:
            lines.append(("否认" + "、".join(f.item for f in specific) + "过敏。", ids(specific)))
    return lines


def personal_family_history(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """个人史: smoking and drinking as the patient described them."""
    habits = pick(facts, "habit", by="patient", keep=definite) or pick(facts, "habit", keep=definite)
    parts = []
    for f in habits:
        if f.status == "absent":
            parts.append(f"不{f.item}" if said_by_patient(f) else f"否认{f.item}")
        else:
            extra = "，".join(p for p in (f.duration, f.value) if p)
            parts.append(f"{f.frequency if f.frequency in ('偶尔', '经常', '每天') else ''}{f.item}"
                         + (f"{extra}" if extra else ""))
    return [("，".join(dict.fromkeys(parts)) + "。", ids(habits))] if parts else []


def _finding(f: Fact) -> str:
    site = f.detail if f.detail and not f.item.startswith(f.detail) else ""
    if f.status == "absent":
        return f"{site}未闻及{f.item}" if f.item in AUSCULTATION else f"{site}无{f.item}"
    hear = "可闻及" if f.item in AUSCULTATION and site else ""
    return f"{site}{hear}{f.value}{f.item}" if site else f"{_name(f)}" if not f.value else f"{f.value}{f.item}"


def physical_exam(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """体格检查: the vital signs and signs the doctor stated (site-bearing signs go to 专科检查 when the template has it)."""
    lines: list[Line] = []
    vitals = sorted(pick(facts, "vital", "present", "doctor"),
                    key=lambda f: _VITAL_ORDER.index(f.item) if f.item in _VITAL_ORDER else 99)
    if vitals:
        lines.append(("，".join(f"{f.item}{f.value}" for f in vitals) + "。", ids(vitals)))
    findings = pick(facts, "finding", keep=definite)
    if ctx.get("specialty"):
        findings = [f for f in findings if not (f.detail or f.laterality)]
    if findings:
        lines.append(("，".join(_finding(f) for f in findings) + "。", ids(findings)))
    return lines


def specialty_exam(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """专科检查: signs with a body site or side."""
    findings = [f for f in pick(facts, "finding", keep=definite) if f.detail or f.laterality]
    return [("，".join(_finding(f) for f in findings) + "。", ids(findings))] if findings else []


def auxiliary_exam(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """辅助检查: results grouped by test panel."""
    results = pick(facts, "exam", "present", keep=lambda f: definite(f) and f.detail != "ordered"
                   and bool(f.value or f.detail))
    lines: list[Line] = []
    for panel, group in panels(results, "zh").items():
        parts = [f"{analyte}{f.value}{f.detail}" for analyte, f in group]
        lines.append((f"{panel}：{'，'.join(parts)}。", ids([f for _, f in group])))
    return lines


def diagnosis(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """诊断: the doctor's diagnoses (hedged ones as 考虑…), then known chronic conditions."""
    stated = pick(facts, "diagnosis", keep=lambda f: f.status == "present" or (
        f.status == "uncertain" and f.detail not in ("asked", "conditional", "mentioned")))
    names, cited = [], []
    for f in stated:
        site = f"（{f.detail}）" if f.detail and f.detail != "hedged" else ""
        names.append(f"{'考虑' if f.status == 'uncertain' else ''}{f.item}{site}")
        cited.append(f)
    for f in pick(facts, "history", "present", keep=definite):
        if f.item not in {d.item for d in stated} and not f.item.endswith("术"):
            names.append(f.item)
            cited.append(f)
    return [("；".join(dict.fromkeys(names)) + "。", ids(cited))] if names else []


def plan(facts: Sequence[Fact], section: Section, ctx: dict) -> list[Line]:
    """处理意见: tests ordered, medicines, advice, warning signs, follow-up."""
    lines: list[Line] = []
    ordered = pick(facts, "exam", "present", "doctor", lambda f: f.detail == "ordered")
    if ordered:
        lines.append(("查" + "、".join(dict.fromkeys(f.item for f in ordered)) + "。", ids(ordered)))
    meds = pick(facts, "medication", by="doctor", keep=definite)
    for m in meds:
        if m.status == "absent":
            verb = "停用" if "停用" in m.detail else "禁用"
            lines.append((f"{verb}{m.item}。", ids(m)))
        elif "照常服用" in m.detail or "继续服用" in m.detail:
            lines.append((f"{m.item}{'照常' if '照常' in m.detail else '继续'}服用。", ids(m)))
        else:
            lines.append((_drug(m) + "。", ids(m)))
    advice = pick(facts, "advice", "present", "doctor", lambda f: f.item not in ("急诊", "立即就诊"))
    if advice:
        lines.append(("，".join(("建议" + f.item) if f.item.endswith("术") else f.item for f in advice) + "。",
                      ids(advice)))
    for f in pick(facts, "advice", "present", "doctor", lambda f: f.item in ("急诊", "立即就诊")):
        action = "立即急诊" if f.item == "急诊" else "立即就诊"
        lines.append((f"{f.detail}时{action}。" if f.detail else f"必要时{action}。", ids(f)))
    follow = pick(facts, "followup", "present", "doctor")
    if follow:
        when = next((f.duration for f in follow if f.duration), "")
        parts = [f"{when}后复诊" if f.item == "复诊" and when else "复诊" if f.item == "复诊" else f"复查{f.detail}"
                 for f in follow]
        if not any(f.item == "复诊" for f in follow) and when:
            parts[0] = f"{when}后{parts[0]}"
        lines.append(("，".join(dict.fromkeys(parts)) + "。", ids(follow)))
    return lines


COMPOSERS = {
    "chief_complaint": chief_complaint, "present_illness": present_illness, "past_history": past_history,
    "allergy_history": allergy_history, "personal_family_history": personal_family_history,
    "physical_exam": physical_exam, "specialty_exam": specialty_exam, "auxiliary_exam": auxiliary_exam,
    "diagnosis": diagnosis, "plan": plan,
}
