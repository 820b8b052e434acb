"""The QC rules on completeness and form: required sections, 主诉, 现病史, necessary negatives, diagnosis, lengths.

Each rule reads a :class:`~summarizer.qc_common.QcContext` and yields :class:`~summarizer.qc_common.Hit` values;
messages are in the record's language. The allergy rules are in :mod:`summarizer.qc_allergy`.
"""

from __future__ import annotations

import re
from typing import Iterator

from diarization.types import Utterance
from summarizer.qc_common import Hit, Part, QcContext, count_chars
from summarizer.vocab import load_vocabulary

__all__ = ["STRUCTURE_RULES", "has_duration", "has_onset", "has_course"]

_DURATION = {
    "zh": re.compile(r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百半数几]+)[余多+]?个?(?:分钟|小时|天|日|周|星期|月|年)|"
                     r"今[晨早天日]|昨[天日晚]|前[天日]|近日|\d+\s*[hH]\b"),
    "en": re.compile(r"\b(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple)"
                     r"(?:\s+of)?\s*-?\s*(?:minute|hour|day|week|month|year)s?\b|\bsince\b|\byesterday\b|"
                     r"\bovernight\b|\bthis morning\b|\btoday\b|\blast (?:night|week|month|year)\b", re.I),
}
_ONSET = {"zh": re.compile(r"起病|发病|病初|诱因|受凉|外伤|以来"),
          "en": re.compile(r"\bonset\b|\bbegan\b|\bstarted\b|\bstarting\b|\bafter\b", re.I)}
_COURSE = {
    "zh": re.compile(r"加重|加剧|减轻|缓解|好转|持续|反复|渐|进行性|间断|间歇|阵发|时轻时重|变化|演变|此后|之后|随后|继而|"
                     r"后出现|就诊|治疗|服用|服药|口服|自服|自行|用药|输液|静滴|效果|疗效"),
    "en": re.compile(r"wors|better|improv|persist|progress|constant|intermittent|on and off|comes and goes|resolv|"
                     r"unchanged|gradual|sudden|since then|tried|took|taking|treated|treatment|relieved|spread", re.I),
}


def _say(ctx: QcContext, zh: str, en: str) -> str:
    return zh if ctx.zh() else en


def has_duration(text: str, language: str) -> bool:
    """Whether the text gives a duration or a time of onset (3天, 半年, 昨天, for 2 weeks, since Monday)."""
    return bool(_DURATION["zh" if language == "zh" else "en"].search(text))


def has_onset(text: str, language: str) -> bool:
    """Whether a history says when or how it began (a time, 起病/诱因, began/started)."""
    lang = "zh" if language == "zh" else "en"
    return has_duration(text, lang) or bool(_ONSET[lang].search(text))


def has_course(text: str, language: str) -> bool:
    """Whether a history describes the course: change, pattern, or treatment so far."""
    return bool(_COURSE["zh" if language == "zh" else "en"].search(text))


def _claimed(ctx: QcContext, part: Part) -> bool:
    """Sections whose emptiness a dedicated rule reports (with a more useful message)."""
    return part.kind == "allergy_history" and ctx.config.enabled("allergy_statement") or \
        part.kind == "diagnosis" and ctx.config.enabled("diagnosis_present")


def required_sections(ctx: QcContext) -> Iterator[Hit]:
    for part in ctx.parts:
        if not part.section.required or _claimed(ctx, part) or part.discussed():
            continue
        if part.record_section is None:
            yield Hit("required_section", part, _say(ctx, f"病历缺少必填项“{part.title}”",
                                                     f"The record lacks the required section {part.title}"))
        else:
            yield Hit("required_section", part, _say(ctx, f"{part.title}为必填项，目前未填写",
                                                     f"{part.title} is required but empty"))


def chief_complaint(ctx: QcContext) -> Iterator[Hit]:
    from summarizer.facts import extract_facts

    for part in ctx.of_kind("chief_complaint"):
        text = part.text(ctx.language)
        if not text:
            continue
        limit = ctx.config.chief_complaint_limit(part.section.max_length, ctx.language)
        length = count_chars(text, ctx.language)
        if limit and length > limit:
            yield Hit("chief_complaint_length", part, _say(
                ctx, f"{part.title}超过{limit}字（现{length}字）",
                f"{part.title} is over {limit} characters (now {length})"))
        if not has_duration(text, ctx.language):
            yield Hit("chief_complaint_duration", part, _say(
                ctx, f"{part.title}未写明持续时间（如“咳嗽、发热3天”）",
                f'{part.title} does not give the duration (e.g. "cough and fever for 3 days")'))
        facts = extract_facts([Utterance("qc", "record", "patient", 0.0, 0.0, text)], ctx.language)
        if any(f.kind in ("symptom", "finding") for f in facts):
            continue
        conditions = list(dict.fromkeys(f.item for f in facts if f.kind in ("history", "diagnosis")))
        if conditions:
            names = "、".join(conditions) if ctx.zh() else ", ".join(conditions)
            yield Hit("chief_complaint_diagnosis", part, _say(
                ctx, f"{part.title}应写症状（或体征）及时间，不宜直接写诊断（{names}）",
                f"{part.title} should state symptoms and their duration, not a diagnosis ({names})"), key=names)
        else:
            yield Hit("chief_complaint_symptom", part, _say(
                ctx, f"未能在{part.title}中识别出症状，请确认写明了主要症状",
                f"No symptom recognised in {part.title}; check that it states the main symptom"))


def present_illness(ctx: QcContext) -> Iterator[Hit]:
    for part in ctx.of_kind("present_illness"):
        text = part.text(ctx.language)
        if not text:
            continue
        if not has_onset(text, ctx.language):
            yield Hit("present_illness_onset", part, _say(
                ctx, f"{part.title}未写明起病时间（如“3天前受凉后出现…”）",
                f'{part.title} does not say when it began (e.g. "began 3 days ago")'))
        if not has_course(text, ctx.language):
            yield Hit("present_illness_course", part, _say(
                ctx, f"{part.title}未描述病情经过（演变、加重或缓解、诊治经过）",
                f"{part.title} does not describe the course (worse or better, treatment so far)"))


def _surfaces(item: str, language: str) -> set[str]:
    vocab = load_vocabulary("zh" if language == "zh" else "en")
    return {item.lower()} | {s for s, t in vocab.surfaces.items() if t.item.lower() == item.lower() and not t.absent}


def necessary_negatives(ctx: QcContext) -> Iterator[Hit]:
    for part in ctx.parts:
        text = part.text(ctx.language).lower()
        if not part.section.negatives or not text:
            continue
        missing = [n for n in part.section.negatives if not any(s in text for s in _surfaces(n, ctx.language))]
        if not missing:
            continue
        if ctx.zh():
            names = "、".join(missing)
            message = f"{part.title}缺少必要的阴性症状：{names}（未出现时请写明“无{names}”）"
        else:
            names = ", ".join(missing)
            message = f'{part.title} lacks pertinent negatives: {names} (if absent, write "no {names}")'
        yield Hit("necessary_negatives", part, message, key=",".join(missing))


def diagnosis_present(ctx: QcContext) -> Iterator[Hit]:
    for part in ctx.of_kind("diagnosis"):
        if not part.discussed():
            yield Hit("diagnosis_present", part, _say(
                ctx, f"{part.title}未填写：请写明医生给出的诊断或考虑的诊断",
                f"{part.title} is empty: write the diagnosis or impression the clinician gave"))


def section_lengths(ctx: QcContext) -> Iterator[Hit]:
    for part in ctx.parts:
        limit = part.section.max_length
        if part.kind == "chief_complaint" or not limit:
            continue
        length = count_chars(part.text(ctx.language), ctx.language)
        if length > limit:
            yield Hit("section_length", part, _say(ctx, f"{part.title}超过{limit}字（现{length}字）",
                                                   f"{part.title} is over {limit} characters (now {length})"))


STRUCTURE_RULES = (required_sections, chief_complaint, present_illness, necessary_negatives, diagnosis_present,
                   section_lengths)
