"""Numbers that only mean something together with their neighbour: scores and grades (``3/6``, ``4 out of 5``),
``2+`` grades, and types (``type 2 diabetes``). A support check compares them as a whole, since a lone ``3`` or
``2`` is said somewhere in almost any visit.
"""

from __future__ import annotations

import re
from typing import Sequence

from summarizer.support_numbers import Quantity, format_quantity

__all__ = ["score_keys", "score_claims", "scale_answers", "describe"]

_PAIR = re.compile(r"\s*(?:/|out of|over)\s*$")
_TYPE = re.compile(r"\btype\s*$")
_PLUS = re.compile(r"^\s*(?:\+|plus\b)")


def _value(q: Quantity) -> float:
    return round(q.value, 4)


def score_claims(text: str, quantities: Sequence[Quantity]) -> list[tuple[tuple, tuple[int, ...], str]]:
    """The scores, grades and types among a sentence's numbers.

    Args:
        text: The normalized sentence (English).
        quantities: Its numbers, one per position, in order.

    Returns:
        ``(key, indices of the numbers it consumes, surface)`` per claim; keys are ``("pair", a, b)``,
        ``("plus", a)`` or ``("type", a)``.
    """
    out, used = [], set()
    for i, q in enumerate(quantities):
        if i in used or q.cls == "pressure":
            continue
        following = quantities[i + 1] if i + 1 < len(quantities) else None
        if following is not None and following.start >= q.end and _PAIR.match(text[q.end:following.start]) and \
                following.cls != "pressure":
            out.append((("pair", _value(q), _value(following)), (i, i + 1), text[q.start:following.end]))
            used.update((i, i + 1))
        elif _PLUS.match(text[q.end:]):
            out.append((("plus", _value(q)), (i,), text[q.start:q.end + _PLUS.match(text[q.end:]).end()]))
            used.add(i)
        elif _TYPE.search(text[max(0, q.start - 8):q.start]):
            out.append((("type", _value(q)), (i,), "type " + format_quantity(q, "en")))
            used.add(i)
    return out


def score_keys(text: str, quantities: Sequence[Quantity]) -> set[tuple]:
    """Every score, grade and type said in an utterance (every reading of a spoken run counts)."""
    keys = set()
    for q in quantities:
        if _PLUS.match(text[q.end:]):
            keys.add(("plus", _value(q)))
        if _TYPE.search(text[max(0, q.start - 8):q.start]):
            keys.add(("type", _value(q)))
        for t in quantities:
            if t.start >= q.end and _PAIR.match(text[q.end:t.start]) and t.start - q.end <= 10:
                keys.add(("pair", _value(q), _value(t)))
    return keys


_SCALE = re.compile(r"\bscale (?:of |from )?(?:zero|one|0|1) (?:to|through) (?P<top>ten|10|five|5)\b")
_TOPS = {"ten": 10.0, "10": 10.0, "five": 5.0, "5": 5.0}


def scale_answers(texts: Sequence[str], numbers: Sequence[Sequence[Quantity]],
                  roles: Sequence[str]) -> list[set[tuple]]:
    """Scores given in reply to a rating question ("on a scale of zero to ten..." "probably a six"): per
    utterance, the ``("pair", value, top)`` keys it says. A bare number the patient (or a companion) says after
    the scale, in the same utterance or in the reply to the doctor's, is read against the scale's top (up to
    twice the top: "twelve out of ten" is said)."""
    out: list[set[tuple]] = [set() for _ in texts]
    for i, text in enumerate(texts):
        m = _SCALE.search(text)
        if m is None:
            continue
        top = _TOPS[m.group("top")]
        for j, after in ((i, m.end()), (i + 1, 0)):
            if j >= len(texts) or roles[j] not in ("patient", "other"):
                continue  # a doctor's own numbers after the scale describe it ("ten being the worst")
            for q in numbers[j]:
                if q.start >= after and q.cls in ("number", "count") and 0 <= q.value <= 2 * top:  # "twelve!"
                    out[j].add(("pair", _value(q), top))
    return out


def describe(key: tuple) -> str:
    """A key as a reason quotes it (``3/6``, ``2+``, ``type 2``)."""
    def num(v: float) -> str:
        return f"{v:g}"
    if key[0] == "pair":
        return f"{num(key[1])}/{num(key[2])}"
    if key[0] == "plus":
        return f"{num(key[1])}+"
    return f"type {num(key[1])}"
