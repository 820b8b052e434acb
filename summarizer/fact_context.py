"""Facts of an utterance that are not one vocabulary term: warning signs and if-clauses (what they name becomes
uncertain), follow-up and re-checks, vital signs. Runs after :func:`summarizer.fact_scan.scan_utterance` and before
:func:`summarizer.fact_attributes.attach_all` (it claims the numbers and durations it uses).
"""

from __future__ import annotations

import re

from summarizer.fact_rules import Rules
from summarizer.fact_scan import Scan
from summarizer.quantities import find_durations, find_temperatures

__all__ = ["read_context"]


# Where the main clause after an English if-clause begins: a comma, then "then" or a subject (a statement, not an
# order: "if it hurts, call us" keeps its condition to the end).
_EN_MAIN_CLAUSE = re.compile(r",\s*(?:then\b|(?:(?:yeah|yes|so|well)\s*,?\s*)?(?:then\s+)?(?:i|he|she|we|they)\b"
                             r"(?:'m|'ve|'d)?\s+(?!should|would|could|might|may|will|can)\w+)")


def _warnings_and_conditions(scan: Scan, role: str, rules: Rules) -> None:
    text = scan.text
    for i, sentence in enumerate(scan.sentences):
        body = text[sentence.start:sentence.end]
        warning = rules.warning.search(body) if role == "doctor" else None
        if warning:
            cond_start, cond_end = sentence.start, sentence.start + warning.start()
            earlier = [m.end for m in scan.mentions if m.kind in ("drug", "advice", "exam", "procedure")
                       and cond_start <= m.end <= cond_end]
            if earlier and rules.language == "zh":  # 降压药照常吃体温超过39度…: the condition starts after the drug
                tail = re.match(r"(?:照常|继续|按时)?(?:吃|服用|用|做|查)?(?:就行|就好|即可)?", text[max(earlier):cond_end])
                cond_start = max(earlier) + tail.end()
            condition = text[cond_start:cond_end]
            if rules.language != "zh":
                m = re.search(r"\bif\b(.+)$", body[warning.end():]) or re.search(r"\bif\b(.+)$", condition)
                if m:
                    cond_start = sentence.start + (warning.end() if m.string is not condition else 0) + m.start(1)
                    cond_end = cond_start + len(m.group(1))
                    condition = m.group(1)
            scan.conditional_spans.append((cond_start, cond_end))
            scan.extra.append({"kind": "advice", "item": _warning_item(warning.group(0), rules), "status": "present",
                               "detail": _clean_condition(condition, rules), "sentence": i})
            continue
        for clause_start in sentence.clause_starts:
            if rules.conditional.match(text[clause_start:sentence.end]):
                ends = [c for c in sentence.clause_starts if c > clause_start]
                end = ends[0] if ends else sentence.end
                if rules.language != "zh":  # "if I walk too fast, then yeah, I do get short of breath"
                    main = _EN_MAIN_CLAUSE.search(text, clause_start, end)
                    end = main.start() if main else end
                scan.conditional_spans.append((clause_start, end))
    for m in scan.mentions:
        if scan.in_condition(m.start):
            m.status, m.flag = "uncertain", "conditional"


def _warning_item(action: str, rules: Rules) -> str:
    if rules.language == "zh":
        return "急诊" if "急诊" in action else "立即就诊"
    return "call 911" if "911" in action else "seek emergency care"


def _clean_condition(condition: str, rules: Rules) -> str:
    if rules.language == "zh":
        condition = re.sub(r"^\s*(?:如果|若|要是|一旦|假如|万一|如)|(?:的话|时|就|的时候)\s*[,]?\s*$", "", condition)
        condition = re.sub(r"\s*,?\s*(?:或者|或是|或)\s*", "或", condition)
        condition = re.sub(r"(\d+(?:\.\d+)?)\s*度", r"\1℃", condition)
        return condition.strip(" ,").replace(",", "、")
    condition = re.sub(r"(\d+(?:\.\d+)?)\s*degrees?", r"\1 degrees", condition)
    return condition.strip(" ,.")


def _followups(scan: Scan, role: str, rules: Rules) -> None:
    if role != "doctor":
        return
    text = scan.text
    for i, sentence in enumerate(scan.sentences):
        body = text[sentence.start:sentence.end]
        if sentence.question or not (rules.followup.search(body) or rules.recheck.search(body)):
            continue
        future = [d for d in find_durations(body, rules.language) if d[3] == "future"]
        when = future[0][0] if future else ""
        for d in future:
            scan.used_spans.append((sentence.start + d[1], sentence.start + d[2]))
        if rules.followup.search(body):
            scan.extra.append({"kind": "followup", "item": "复诊" if rules.language == "zh" else "follow-up",
                               "status": "present", "duration": when, "sentence": i})
        for recheck in rules.recheck.finditer(body):
            at = sentence.start + recheck.end()
            tests = [m for m in scan.mentions if m.kind == "exam" and at <= m.start <= at + 12 and m.sentence == i]
            for m in tests:
                m.used = True
            if tests:
                scan.extra.append({"kind": "followup", "item": "复查" if rules.language == "zh" else "recheck",
                                   "status": "present", "duration": when, "sentence": i,
                                   "detail": "、".join(m.item for m in tests) if rules.language == "zh"
                                   else ", ".join(m.item for m in tests)})


def _vitals(scan: Scan, role: str, rules: Rules) -> None:
    text = scan.text
    zh = rules.language == "zh"
    for i, sentence in enumerate(scan.sentences):
        body = text[sentence.start:sentence.end]
        if sentence.question and not re.search(r"\d", body):
            continue
        found = []
        if zh or rules.temperature_word.search(body):
            for value, s, e in find_temperatures(body, rules.language):
                detail = "最高" if zh else "max"
                found.append(("体温" if zh else "temperature", value, s, e,
                              detail if rules.max_temperature.search(body[max(0, s - 20):s]) else ""))
        patterns = [("血压" if zh else "blood pressure", rules.blood_pressure, "{s}/{d}mmHg" if zh else "{s}/{d} mmHg"),
                    ("心率" if zh else "heart rate", rules.heart_rate, "{v}次/分" if zh else "{v} bpm"),
                    ("呼吸" if zh else "respiratory rate", rules.respiratory_rate, "{v}次/分" if zh else "{v}/min"),
                    ("血氧饱和度" if zh else "oxygen saturation", rules.oxygen, "{v}%"),
                    ("体重" if zh else "weight", rules.weight, "{v}{u}" if zh else "{v} {u}")]
        for item, pattern, shape in patterns:
            for m in pattern.finditer(body):
                found.append((item, shape.format(**m.groupdict()), m.start(), m.end(), ""))
        for item, value, s, e, detail in found:
            if scan.in_condition(sentence.start + s) or scan.is_used(sentence.start + s, sentence.start + e):
                continue
            scan.used_spans.append((sentence.start + s, sentence.start + e))
            scan.extra.append({"kind": "vital", "item": item, "status": "present", "value": value,
                               "detail": detail, "sentence": i})


def read_context(scan: Scan, role: str, rules: Rules) -> None:
    """Add warning advice, follow-up and vital signs to ``scan.extra``; flag terms named in conditions.

    Args:
        scan: The utterance's scan (modified in place).
        role: Speaker role (warnings and follow-up are read from the doctor only).
        rules: The language's cue patterns.
    """
    _warnings_and_conditions(scan, role, rules)
    _followups(scan, role, rules)
    _vitals(scan, role, rules)
