"""A number as the support check reads it (:class:`Quantity`), and what the readers of both languages share:
the unit after a number, blood-pressure pairs, comparison of values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NUMBER_CLASSES", "Quantity", "same_value", "format_quantity", "unit_after", "pairs"]

NUMBER_CLASSES = ("dose", "duration", "age", "temperature", "percent", "pressure", "rate", "level", "weight", "size",
                  "count", "number")

@dataclass(frozen=True)
class Quantity:
    """A number in a text.

    Attributes:
        value: The number (``0.5``, ``120``).
        start: Offset of the number in the text.
        end: Offset after its unit (after the number when it has none).
        unit: Normalized unit (``mg``, ``day``, ``%``...) or ``""``.
        cls: Class of the unit (one of :data:`NUMBER_CLASSES`); ``number`` without a unit, ``pressure`` for both
            halves of ``135/85``.
        surface: The text as written, unit included.
        value_end: Offset after the number itself (before its unit).
    """

    value: float
    start: int
    end: int
    unit: str = ""
    cls: str = "number"
    surface: str = ""
    value_end: int = -1


def same_value(a: float, b: float) -> bool:
    """Equal up to rounding (``0.5`` and ``0.50``)."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def format_quantity(q: Quantity, language: str) -> str:
    """A quantity as a reason quotes it: its surface, trimmed."""
    return q.surface.strip() or (f"{q.value:g}")


def unit_after(text: str, end: int, units: list, pattern: re.Pattern) -> tuple[str, str, int]:
    """The unit right after a number: (class, normalized unit, end offset); ``("number", "", end)`` if none."""
    m = pattern.match(text, end)
    if not m:
        return "number", "", end
    for i, (cls, unit, _) in enumerate(units):
        if m.group(f"u{i}") is not None:
            return cls, unit, m.end()
    return "number", "", end  # pragma: no cover - one group always matched


def pairs(lower: str, found: list[Quantity]) -> list[Quantity]:
    """``135/85``, ``120 over 80`` (or "over over", as transcribed) are a blood pressure; ``2 out of 6`` and
    ``2/6`` stay plain numbers."""
    out = list(found)
    for i, a in enumerate(found):
        for j in range(i + 1, len(found)):
            b = found[j]
            if b.start <= a.end:
                continue
            if re.fullmatch(r"\s*(?:/|／|over(?:\s+over)?)\s*", lower[a.end:b.start]) and 40 <= a.value <= 260 \
                    and 20 <= b.value <= 160:
                for k in (i, j):
                    q = out[k]
                    out[k] = Quantity(q.value, q.start, q.end, "mmhg", "pressure", q.surface, q.value_end)
            break
    return out
