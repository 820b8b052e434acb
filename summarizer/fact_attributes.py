"""Attributes of the terms found by :mod:`summarizer.fact_scan`: medication dose, frequency, duration and route;
test orders and results; examination sites and laterality; allergic reactions; symptom durations and details;
the doctor's diagnosis cues.

Each function reads a :class:`~summarizer.fact_scan.Scan` and writes ``Mention.attrs`` (and marks the spans it
used, so that one number never becomes two facts).
"""

from __future__ import annotations

import re

from summarizer.fact_rules import Rules
from summarizer.fact_scan import Mention, Scan
from summarizer.quantities import ZH_NUMBER, find_doses, find_durations, find_frequencies, find_route

__all__ = ["attach_all"]

_DURATION_KINDS = ("symptom", "condition", "habit", "procedure")
_ZH_SPUTUM = re.compile(r"(黄|白|绿|铁锈色|粉红色泡沫|粉红色|血)(?:色)?(?:脓)?(?:样)?痰")
_EN_SPUTUM = re.compile(r"\b(yellow|green|white|clear|brown|bloody|rusty)(?:ish)?\s+(?:sputum|phlegm|mucus)")
_ZH_AMOUNT = re.compile(rf"(?P<per>每天|一天|每日|每周|一周)?(?P<n>{ZH_NUMBER})(?P<u>支|包|两|瓶|杯|斤)")
_EN_AMOUNT = re.compile(r"\b(?P<n>\d+|a|one|two|three|half a)\s+(?P<u>packs?|cigarettes|drinks|beers|glasses)"
                        r"(?:\s+(?:a|per)\s+(?P<per>day|week))?")


def _clause_bounds(scan: Scan, m: Mention) -> tuple[int, int]:
    sentence = scan.sentences[m.sentence]
    start = max([c for c in sentence.clause_starts if c <= m.start], default=sentence.start)
    end = min([c for c in sentence.clause_starts if c > m.start] + [sentence.end])
    return start, end


def _prefix(scan: Scan, m: Mention) -> str:
    """Text from the clause start (or the previous term in the clause) to the term."""
    start, _ = _clause_bounds(scan, m)
    earlier = [n.end for n in scan.mentions if start <= n.end <= m.start and n is not m]
    return scan.text[max([start, *earlier]):m.start]


def _after(scan: Scan, m: Mention, stop_at_clause: bool = True) -> str:
    _, end = _clause_bounds(scan, m) if stop_at_clause else (0, scan.sentences[m.sentence].end)
    later = [n.start for n in scan.mentions if n.start >= m.end and n is not m]
    return scan.text[m.end:min([end, *later])]


def _take(scan: Scan, found: list, base: int, window_end: int, skip_future: bool = False):
    """The first quantity in ``found`` (offsets relative to ``base``) not yet used; marks it used."""
    for entry in found:
        start, end = base + entry[1], base + entry[2]
        if end > window_end or scan.is_used(start, end) or (skip_future and entry[3] == "future"):
            continue
        scan.used_spans.append((start, end))
        return entry[0]
    return ""


def _medications(scan: Scan, rules: Rules) -> None:
    lang, zh = rules.language, rules.language == "zh"
    drugs = [m for m in scan.mentions if m.kind == "drug"]
    for i, m in enumerate(drugs):
        sentence = scan.sentences[m.sentence]
        window_end = min([n.start for n in drugs[i + 1:]] + [sentence.end])
        window = scan.text[m.end:window_end]
        clause_start, _ = _clause_bounds(scan, m)
        before = scan.text[clause_start:m.start]
        attrs = m.attrs
        attrs["value"] = _take(scan, find_doses(window, lang), m.end, window_end)
        attrs["frequency"] = _take(scan, find_frequencies(window, lang), m.end, window_end) or (
            ("每天" if zh else "daily") if re.search(r"每天|每日|天天|\bdaily\b|\bevery day\b", before) else "")
        attrs["duration"] = _take(scan, find_durations(window, lang), m.end, window_end, skip_future=True)
        own = window
        if window_end < sentence.end and "," in window:  # the next drug's verb (继续吃 X) is not this drug's route
            own = window[:window.rindex(",")]
        parts = [find_route(before + own, lang)]
        purpose = rules.purpose.search(own)
        if purpose:
            parts.append(purpose.group(0))
        adjacent = scan.text[max([clause_start] + [n.end for n in scan.mentions if n.end <= m.start]):m.start]
        stop = rules.med_stop_before.search(adjacent) or rules.med_stop_after.match(window)
        if stop:
            m.status, parts = "absent", []
            cue = stop.group(0).strip()
            parts.append(("停用" if "停" in cue or "不吃了" in cue else "禁用") if zh else
                         ("stop" if cue.split()[0] in ("stop", "hold", "discontinue", "no", "should", "is", "has")
                          else "avoid"))
        else:
            going_on = rules.med_continue_before.search(adjacent) or rules.med_continue_after.match(window)
            if going_on:
                parts.append(("照常服用" if "照常" in going_on.group(0) else "继续服用") if zh else "continue")
        attrs["detail"] = ("，" if zh else ", ").join(p for p in parts if p)


def _exams(scan: Scan, role: str, rules: Rules) -> None:
    zh = rules.language == "zh"
    previous: Mention | None = None
    for m in scan.mentions:
        if m.kind != "exam" or m.used:
            continue
        prefix, after = _prefix(scan, m), _after(scan, m)
        joined = previous is not None and previous.flag == "ordered" and previous.sentence == m.sentence \
            and rules.connector.match(scan.text[previous.end:m.start])
        previous = m
        if role == "doctor" and not scan.sentences[m.sentence].question and (
                joined or rules.order_end.search(prefix) or rules.order_after.match(after)):
            m.flag = "ordered"
            continue
        value = rules.result_value.match(after)
        word = rules.result_word.match(after)
        if value and not scan.is_used(m.end + value.start("v"), m.end + value.end()):
            m.attrs["value"] = value.group("v") + (value.group("u") or "")
            scan.used_spans.append((m.end + value.start("v"), m.end + value.end()))
        elif word:
            m.attrs["detail"] = word.group("w")
        else:
            result = rules.result_lead.sub("", after, count=1)
            if zh:
                result = re.sub(r"没有|没", "无", result)
                result = re.sub(r"有|就是|一个", "", result)
            result = result.strip(" ,.。;:?!")
            if result and len(result) <= (30 if zh else 80) and not scan.sentences[m.sentence].question:
                m.attrs["detail"] = result
        _laterality_from(m, m.attrs.get("detail", ""), rules)


def _laterality_from(m: Mention, text: str, rules: Rules) -> None:
    if m.attrs.get("laterality"):
        return
    site = rules.site.search(text)
    if site and site.group("lat"):
        m.attrs["laterality"] = rules.laterality[site.group("lat")]
    elif rules.language == "zh" and text[:1] in rules.laterality:
        m.attrs["laterality"] = rules.laterality[text[:1]]


def _findings(scan: Scan, rules: Rules) -> None:
    for m in scan.mentions:
        if m.kind != "finding":
            continue
        prefix = _prefix(scan, m)
        sites = list(rules.site.finditer(prefix))
        if not sites and rules.language != "zh":  # crackles in the right lower lobe
            sites = list(rules.site.finditer(_after(scan, m)))[:1]
        if sites:
            site = sites[-1]
            m.attrs["detail"] = site.group(0)
            if site.groupdict().get("lat"):
                m.attrs["laterality"] = rules.laterality[site.group("lat")]
        qualifier = rules.qualifier.search(prefix)
        if qualifier:
            m.attrs["value"] = qualifier.group(0)


def _allergies(scan: Scan, rules: Rules) -> None:
    for m in scan.mentions:
        if m.kind != "allergy" or m.status != "present":
            continue
        reactions = [n for n in scan.mentions if n.kind == "symptom" and n.sentence == m.sentence
                     and n.start > m.start and not n.used]
        for n in reactions:
            n.used = True
        if reactions:
            m.attrs["detail"] = ("、" if rules.language == "zh" else ", ").join(n.item for n in reactions)


def _symptoms(scan: Scan, rules: Rules) -> None:
    zh = rules.language == "zh"
    for m in scan.mentions:
        if m.kind not in ("symptom", "habit") or m.used:
            continue
        start, end = _clause_bounds(scan, m)
        clause = scan.text[start:end]
        if m.kind == "symptom" and rules.night.search(clause):
            m.attrs["detail"] = "夜间加重" if zh else "worse at night"
        sputum = (_ZH_SPUTUM if zh else _EN_SPUTUM).search(scan.text[max(0, m.start - 12):m.end + 2])
        if sputum and m.item in ("咳痰", "sputum"):
            m.attrs["detail"] = sputum.group(0) if zh else f"{sputum.group(1)} sputum"
        prefix = _prefix(scan, m)
        side = re.search(r"(左|右|双|两)(?:侧|边)?$" if zh else r"\b(left|right|both)\s*$", prefix)
        if side:
            m.attrs["laterality"] = rules.laterality[side.group(1)]
        _laterality_from(m, prefix[-4:] if zh else prefix[-20:], rules)
        often = rules.occasional.search(prefix) or (rules.occasional.search(_after(scan, m)) if not zh else None)
        if often and m.kind == "habit":
            m.attrs["frequency"] = often.group(0)
        elif often and often.group(0) in ("偶尔", "经常", "有时", "有时候", "occasionally", "sometimes"):
            m.attrs["frequency"] = often.group(0)
        if m.kind == "habit":
            amount = (_ZH_AMOUNT if zh else _EN_AMOUNT).search(scan.sentence_text(m.sentence))
            if amount:
                per = amount.group("per") or ""
                m.attrs["value"] = (f"{per}{amount.group('n')}{amount.group('u')}" if zh else
                                    f"{amount.group('n')} {amount.group('u')}{' a ' + per if per else ''}")


def _durations(scan: Scan, rules: Rules) -> None:
    leftover = []
    for i, sentence in enumerate(scan.sentences):
        body = scan.text[sentence.start:sentence.end]
        spans = [(d, sentence.start + s, sentence.start + e) for d, s, e, rel in find_durations(body, rules.language)
                 if rel != "future" and not scan.is_used(sentence.start + s, sentence.start + e)]
        candidates = [m for m in scan.mentions if m.sentence == i and m.kind in _DURATION_KINDS and not m.used
                      and m.status != "absent" and not m.attrs.get("duration")]
        if spans and not candidates and i > 0:
            candidates = [m for m in scan.mentions if m.sentence == i - 1 and m.kind in _DURATION_KINDS
                          and not m.used and m.status != "absent" and not m.attrs.get("duration")]
        floor = 0
        for k, (text, start, end) in enumerate(spans):
            ceiling = spans[k + 1][1] if k + 1 < len(spans) else len(scan.text)
            chosen = [m for m in candidates if floor <= m.end <= start and not m.attrs.get("duration")] or \
                     [m for m in candidates if end <= m.start < ceiling and not m.attrs.get("duration")]
            for m in chosen:
                m.attrs["duration"] = text
            if chosen:
                scan.used_spans.append((start, end))
            else:
                leftover.append(text)
            floor = end
    scan.leftover_durations = leftover


def _diagnoses(scan: Scan, role: str, rules: Rules) -> None:
    if role != "doctor":
        return
    for m in scan.mentions:
        if m.kind != "condition" or scan.sentences[m.sentence].question:
            continue
        start, _ = _clause_bounds(scan, m)
        prefix, after = scan.text[start:m.start], _after(scan, m)
        if rules.dx_absent_end.search(prefix) or rules.dx_absent_after.match(after) or m.status == "absent":
            m.dx = "absent"
        elif rules.dx_uncertain.search(prefix):
            m.dx = "uncertain"
        elif rules.dx_present_end.search(prefix):
            m.dx = "present"
        site = list(rules.site.finditer(prefix[-8:] if rules.language == "zh" else prefix[-30:]))
        right_after = rules.site.match(after.lstrip(" ,(（"))
        if not site and right_after:
            site = [right_after]
        sentence = scan.sentences[m.sentence]
        following = [c for c in sentence.clause_starts if c > m.start]
        if not site and following:
            nxt = [c for c in following if c > following[0]] + [sentence.end]
            clause = scan.text[following[0]:nxt[0]].strip(" ,.。;")
            match = rules.site.fullmatch(clause)
            site = [match] if match else []
        if site:
            m.attrs["detail"] = site[-1].group(0)
            if site[-1].groupdict().get("lat"):
                m.attrs["laterality"] = rules.laterality[site[-1].group("lat")]


def attach_all(scan: Scan, role: str, rules: Rules) -> None:
    """Fill in every attribute, in the order that keeps one number from serving two facts.

    Args:
        scan: The utterance's scan (modified in place).
        role: Speaker role.
        rules: The language's cue patterns.
    """
    _medications(scan, rules)
    _exams(scan, role, rules)
    _findings(scan, rules)
    _allergies(scan, rules)
    _symptoms(scan, rules)
    _durations(scan, rules)
    _diagnoses(scan, role, rules)
