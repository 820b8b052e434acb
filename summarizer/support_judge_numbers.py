"""Numbers of a record sentence held against the transcript: said near the term they qualify, or another value of
the same kind said there instead (a contradiction), or never said; scores, grades and types compared whole.
"""

from __future__ import annotations

import re
from typing import Sequence

from summarizer.support_index import TranscriptIndex
from summarizer.support_judge import Finding, prefer
from summarizer.support_numbers import Quantity, find_numbers, same_value
from summarizer.support_reasons import reason
from summarizer.support_scores import describe, score_claims

__all__ = ["sentence_numbers", "judge_sentence_numbers", "judge_numbers", "judge_scores"]

# a label's colon ("blood pressure: 122/70") does not end the clause of the number it names
_CLAUSE = {"zh": re.compile(r"[,;。!?()]"), "en": re.compile(r"[,;.!?()]")}
_LONE_WORDS = {"one", "a", "an", "once", "single", "first", "second", "third", "half", "couple", "double", "triple"}

_MASS = {"mg": 1.0, "g": 1000.0, "mcg": 0.001}
_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}


def _matches(q: Quantity, t: Quantity, short: bool = True) -> bool:
    """``t`` says the value ``q`` claims. A bare number counts for a claim with a unit only in a short reply
    (``three`` answering "how many days?"), not inside a long utterance where it may count anything."""
    bare = t.cls in ("number", "count") and (short or q.cls in ("number", "count"))
    if q.cls in ("number", "count") or bare or q.cls == t.cls or {q.cls, t.cls} == {"age", "duration"}:
        if same_value(q.value, t.value):
            if q.cls == t.cls == "duration" and q.unit != t.unit:
                return False
            return True
    if q.unit in _MASS and t.unit in _MASS:
        return same_value(q.value * _MASS[q.unit], t.value * _MASS[t.unit])
    if q.cls == t.cls == "duration" and q.unit in _DAYS and t.unit in _DAYS and q.unit != t.unit:
        a, b = q.value * _DAYS[q.unit], t.value * _DAYS[t.unit]
        return abs(a - b) <= 0.15 * max(a, b)
    return False


# The tops of the scales a record writes out and speech leaves out: pain x/10, murmur grade x/6, strength x/5.
_SCALE_TOPS = {5.0, 6.0, 10.0}
_VAGUE = re.compile(r"\b(?:couple|few|several|some)\b")


def _said_as(q: Quantity, t: Quantity) -> bool:
    """``t`` states the value ``q`` claims on its own: the same value with the same unit, or the same value with
    decimals (97.8 counts nothing)."""
    if not same_value(q.value, t.value):
        return False
    if q.unit and q.unit == t.unit and q.cls == t.cls:
        return True
    return not float(t.value).is_integer() and t.cls in ("number", q.cls)


def _conflicts(q: Quantity, t: Quantity) -> bool:
    """``t`` is another value of what ``q`` measures (same class; doses in the same kind of unit; not a vague
    "couple of weeks")."""
    if q.cls in ("number", "count", "age") or q.cls != t.cls or _VAGUE.search(t.surface.lower()):
        return False
    if q.cls == "dose":
        return (q.unit in _MASS and t.unit in _MASS) or q.unit == t.unit
    return q.cls == "duration" or q.unit == t.unit


def _short(text: str, language: str) -> bool:
    """A short reply: at most 8 words, or 12 characters of Chinese (which has no spaces to count words by)."""
    return len(text) <= 12 if language.startswith("zh") else len(text.split()) <= 8


def _near_surface(view, t: Quantity, surfaces: Sequence[str]) -> bool:
    """A bare number said right by the term it qualifies (``the five hundred of metformin``, "metformin from five
    hundred twice a day to seven fifty")."""
    window = view.text[max(0, t.start - 60):t.end + 40]
    return any(s and s in window for s in surfaces)


# Vital signs are said without their units ("your pulse is seventy two", "心率80"): a bare number right after the
# name of the sign counts for a value written with its unit.
_HEART = r"pulse|heart rate|heart beat|heartbeat|\bhr\b|心率|脉搏|心跳"
_BREATHING = r"respirat|breathing rate|\brr\b|呼吸"
_VITAL_NAMES = {
    "rate": re.compile(f"{_HEART}|{_BREATHING}"),
    "bpm": re.compile(_HEART), "breaths": re.compile(_BREATHING),  # English says which rate by its unit
    "temperature": re.compile(r"temp|fever|febrile|体温|发烧|发热"),
    "pressure": re.compile(r"blood pressure|pressure|\bbp\b|血压"),
    "percent": re.compile(r"oxygen|saturation|\bsats?\b|pulse ox|\b(?:sp)?o2\b|血氧|饱和度"),
}


def _vital_name(q: Quantity) -> re.Pattern | None:
    return _VITAL_NAMES.get(q.unit) if q.cls == "rate" and q.unit in _VITAL_NAMES else _VITAL_NAMES.get(q.cls)


def _after_vital(view, q: Quantity, t: Quantity) -> bool:
    """``t`` is said after the name of the vital sign ``q`` measures, with no other number between them ("your
    heart rate is nice and slow at sixty seven")."""
    name = _vital_name(q)
    if name is None or (float(t.value).is_integer() and any(
            o.start == t.start and not float(o.value).is_integer() for o in view.numbers)):
        return False  # "ninety eight. two" says 98.2, not 98
    since = max([o.end for o in view.numbers if o.end <= t.start] + [t.start - 60, 0])
    return bool(name.search(view.text[since:t.start]))


def judge_numbers(quantities: Sequence[Quantity], anchors: Sequence[list[str]], idx: TranscriptIndex,
                  context: set[str], near: set[str], surfaces: Sequence[Sequence[str]] = (),
                  thresholds: Sequence[bool] = ()) -> list[Finding]:
    """Is each number said near what it qualifies, or is another value of the same kind said there?

    "Near" is the term's utterances with their neighbours, the sentence's nearest context, and the replies to the
    doctor's how-long / how-many questions among them (a bare number there needs its unit). A value said nowhere
    near, with nothing contradicting it there, still counts when the visit says it elsewhere with its unit (or with
    decimals): a weak finding, not a flag.

    Args:
        quantities: The sentence's numbers.
        anchors: Per number, the ids of the utterances that name the term it qualifies (empty: no such term).
        idx: The transcript.
        context: The sentence's whole context (cited ids, similar wording, its terms; neighbours included).
        near: The cited ids and the utterances of most similar wording, with their neighbours.
        surfaces: Per number, the surface forms of the term it qualifies.
        thresholds: Per number, whether it is a threshold (``超过39℃``): never contradicted by a measured value.

    Returns:
        One finding per number.
    """
    lang = idx.language
    out = []
    surfaces = list(surfaces) or [()] * len(quantities)
    thresholds = list(thresholds) or [False] * len(quantities)
    for q, anchor, names, threshold in zip(quantities, anchors, surfaces, thresholds):
        local = (set(idx.around(anchor)) | near) if anchor else context
        replies = set(idx.answers(local)) - local
        ordered = idx.order(local | replies)
        # a bare number counts in a short reply, next to the term, or when it has decimals (a value, not a count);
        # in the reply to a question next to the context ("how long have you been considering this?"), only with
        # its unit
        hits = [v.id for v in (idx.view(i) for i in ordered)
                if any(_matches(q, t, _short(v.text, lang) or _near_surface(v, t, names)
                                or not float(t.value).is_integer() or _after_vital(v, q, t))
                       and (v.id not in replies or t.unit)
                       for t in v.numbers)]
        if hits:
            out.append(Finding("ok", evidence=prefer(hits, set(anchor))))
            continue
        conflicts = [] if threshold else [(v.id, t) for v in (idx.view(i) for i in ordered) for t in v.numbers
                                          if _conflicts(q, t)]
        code = q.cls if q.cls in ("dose", "duration") else "number"
        elsewhere = [] if conflicts else [v.id for v in idx.views if any(_said_as(q, t) for t in v.numbers)]
        if elsewhere:  # said with its unit (or with decimals) in another part of the visit, and nothing else near
            out.append(Finding("weak", evidence=tuple(elsewhere[:1])))
            continue
        if conflicts:
            uid, said = _closest(conflicts, anchor)
            out.append(Finding("contradicted", code, reason(code, lang, ids=(uid,), claim=q.surface.strip(),
                                                            said=said.surface.strip()), (uid,)))
            continue
        out.append(Finding("unsupported", code, reason("number_unsaid", lang, claim=q.surface.strip())))
    return out


def _closest(conflicts: list[tuple[str, Quantity]], anchor: Sequence[str]) -> tuple[str, Quantity]:
    for uid, t in conflicts:
        if uid in anchor:
            return uid, t
    return conflicts[0]


def judge_scores(claims: Sequence[tuple[tuple, tuple[int, ...], str]], idx: TranscriptIndex,
                 near: set[str], stated: frozenset[float] = frozenset()) -> list[Finding | None]:
    """Scores, grades and types (``3/6``, ``2+``, ``type 2``) compared whole.

    Args:
        claims: From :func:`summarizer.support_scores.score_claims`.
        idx: The transcript.
        near: The sentence's nearest context (a ``2+`` grade is only held against grades said there; a score
            said only far away does not support a sentence whose context says another).
        stated: The values the sentence states (another score near it with one of these values is the other end
            of a range, "6 to 8 out of 10", not a conflict).

    Returns:
        Per claim, its finding, or None when the visit says no score of that shape (the numbers are then checked
        one by one).
    """
    lang = idx.language
    out: list[Finding | None] = []
    for key, _, surface in claims:
        exact = [v.id for v in idx.views if key in v.scores]
        nearby = [(v.id, k) for v in (idx.view(i) for i in idx.order(near)) for k in sorted(v.scores)
                  if k[0] == key[0] and k != key and (key[0] != "pair" or k[2] == key[2]) and k[1] not in stated]
        if exact and (set(exact) & near or not nearby):  # said; another score near the sentence outweighs a far one
            out.append(Finding("ok", evidence=prefer(exact, near)))
            continue
        pool = idx.views if key[0] != "plus" else [idx.view(i) for i in idx.order(near)]
        others = nearby or [(v.id, k) for v in pool for k in sorted(v.scores)
                            if k[0] == key[0] and (key[0] != "pair" or k[2] == key[2])]
        if others:
            uid, said = others[0]
            out.append(Finding("contradicted", "number", reason("number", lang, ids=(uid,), claim=surface.strip(),
                                                                said=describe(said)), (uid,)))
        else:
            out.append(None)
    return out


_NOT_CLAIMS = {
    "en": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}/(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b|"
                     r"\b[a-z]\d+(?:-[a-z]?\d+)+\b|\b\d{1,2}(?:st|nd|rd|th)\b"),
    "zh": re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{1,2}\s*[日号]|\d{1,2}:\d{2}|"
                     r"[一二三四五六七八九十]+月[一二三四五六七八九十]+[日号]"),
}
# A number after these words is a threshold (超过39℃, above 100.4), not a measurement: it is checked for being said,
# never held against the values measured.
_THRESHOLD = {"zh": re.compile(r"(?:超过|高于|低于|大于|小于|不超过|达到|>|<|≥|≤)\s*$"),
              "en": re.compile(r"\b(?:over|above|below|under|greater than|less than|more than|exceeds?|>|<)\s*$")}
_RANGE = re.compile(r"\s*(?:to|-|–|or|~|至|到|或)\s*$")


def sentence_numbers(text: str, language: str, spans: list[tuple[int, int]]) -> tuple[list[Quantity], list]:
    """The sentence's numbers, one reading per position, without dates and times, numbers inside a term
    (``2型糖尿病``) or bare counting words (``one of``, ``一下``); and the pairs that form a range (``6 to 8 weeks``,
    whose first number takes the second's unit).

    Args:
        text: The normalized sentence.
        language: ``zh`` or ``en``.
        spans: Offsets of the sentence's terms.

    Returns:
        (numbers, index pairs of ranges).
    """
    skip = spans + [(m.start(), m.end()) for m in _NOT_CLAIMS[language].finditer(text)]
    by_start: dict[int, Quantity] = {}
    for q in find_numbers(text, language):
        if any(s <= q.start < e for s, e in skip):
            continue
        digits = q.surface[:1].isdigit()
        if not digits and q.cls == "number" and (language == "zh" or q.surface.strip().lower() in _LONE_WORDS):
            continue
        by_start[q.start] = q  # the last reading of a spoken run is the whole number
    numbers = list(by_start.values())
    ranges = []
    for i in range(len(numbers) - 1):
        a, b = numbers[i], numbers[i + 1]
        if a.end <= b.start and _RANGE.fullmatch(text[a.end:b.start]) and not a.unit and b.unit:
            numbers[i] = Quantity(a.value, a.start, a.end, b.unit, b.cls, a.surface + text[b.value_end:b.end],
                                  a.value_end)
            ranges.append((i, i + 1))
    return numbers, ranges


def _anchor(q: Quantity, claims, text: str, language: str, idx: TranscriptIndex) -> tuple[list[str], list[str]]:
    """The term nearest to a number in its clause: ids of the utterances naming it, and its surface forms."""
    bounds = [m.start() for m in _CLAUSE["zh" if language == "zh" else "en"].finditer(text)]
    start = max([b for b in bounds if b < q.start], default=-1)
    end = min([b for b in bounds if b >= q.end], default=len(text))
    before = [c for c in claims if start < c.start and c.end <= q.start]
    after = [c for c in claims if c.start >= q.end and c.end <= end]
    chosen = before[-1] if before else after[0] if after else None
    if chosen is None:  # a vital sign the vocabulary has no term for ("blood pressure is 128/72")
        name = _vital_name(q)
        found = name.search(text, start + 1, q.start) if name is not None else None
        if found is None:
            return [], []
        return [v.id for v in idx.views if name.search(v.text)], []  # its value is said after it (_after_vital)
    surfaces = [s for s, t in idx.vocab.surfaces.items() if t.item == chosen.item] + [chosen.surface.lower()]
    return idx.mentioned(chosen.item, chosen.surface), surfaces


def judge_sentence_numbers(numbers: list[Quantity], ranges: list, terms, norm: str, idx: TranscriptIndex,
                           context: set[str], near: set[str]) -> list[Finding]:
    """Scores and grades compared whole, then every other number near its term; a range (``6 to 8 weeks``) is
    said when one end is and the other is a little above it.

    Args:
        numbers: The sentence's numbers and ranges (:func:`sentence_numbers`).
        ranges: Index pairs of the numbers that form a range.
        terms: The sentence's term claims (a number is checked near the term it qualifies).
        norm: The normalized sentence.
        idx: The transcript.
        context: The sentence's whole context ids.
        near: The cited ids and the utterances of most similar wording, with their neighbours.

    Returns:
        One finding per score and per remaining number.
    """
    lang = idx.language
    findings: list[Finding] = []
    consumed: set[int] = set()
    if lang == "en":
        claims = score_claims(norm, numbers)
        stated = frozenset(round(q.value, 4) for q in numbers)
        for claim, finding in zip(claims, judge_scores(claims, idx, near, stated)):
            if finding is not None:
                findings.append(finding)
                consumed.update(claim[1])
            elif claim[0][0] == "pair" and claim[0][2] in _SCALE_TOPS and claim[0][1] <= claim[0][2]:
                consumed.add(claim[1][1])  # "grade 2" says a 2/6 murmur: the top of the scale goes unsaid
    rest = [i for i in range(len(numbers)) if i not in consumed]
    chosen = [numbers[i] for i in rest]
    anchors = [_anchor(q, terms, norm, lang, idx) for q in chosen]
    thresholds = [bool(_THRESHOLD[lang].search(norm[max(0, q.start - 12):q.start])) for q in chosen]
    judged = dict(zip(rest, judge_numbers(chosen, [a[0] for a in anchors], idx, context, near,
                                          [a[1] for a in anchors], thresholds)))
    for i, j in ranges:
        if i not in judged or j not in judged:
            continue
        low, high = numbers[i].value, numbers[j].value
        said = _said_range(low, high, numbers[j].unit, idx, [e for f in (judged[i], judged[j]) for e in f.evidence]
                           + idx.order(near) + [v.id for v in idx.views])
        if said:
            judged[i] = judged[j] = Finding("ok", evidence=(said,))
    return findings + [judged[i] for i in rest]


def _said_range(low: float, high: float, unit: str, idx: TranscriptIndex, ids: Sequence[str]) -> str:
    """The first of ``ids`` that says the range ``low``–``high`` ("every six to eight hours", "6-8 weeks": its low
    end is said bare), or ``""``. Both ends must be said: one end alone does not vouch for the other."""
    for uid in dict.fromkeys(ids):
        view = idx.view(uid)
        if view is None:
            continue
        for a in view.numbers:
            if not same_value(a.value, low):
                continue
            if _VAGUE.search(a.surface.lower()) and high - low <= 1 and a.unit == unit:
                return uid  # "a couple of weeks" says 2-3 weeks
            for b in view.numbers:
                if b.start >= a.end and same_value(b.value, high) and (not b.unit or b.unit == unit) and \
                        _RANGE.fullmatch(view.text[a.end:b.start]):
                    return uid
    return ""
