"""Numbers as a support check reads them: digits and spoken numbers in Chinese and English, with their unit.

A record sentence writes ``20 mg`` or ``3天``; the conversation says ``twenty milligrams``, ``三天了`` or
``one twenty over eighty``. :func:`find_numbers` reads both into :class:`Quantity` values (a value, the unit that
follows and the unit's class) so that the two can be compared. Spoken runs that do not form one number
(``one twenty``, ``一两天``) yield every reading, so that a transcript never lacks a number it said.
"""

from __future__ import annotations

import re

from summarizer.support_numbers_en import en_numbers
from summarizer.support_quantity import NUMBER_CLASSES, Quantity, format_quantity, pairs, same_value, unit_after

__all__ = ["NUMBER_CLASSES", "Quantity", "find_numbers", "same_value", "format_quantity"]

_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_ZH_RUN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?|半")
_ZH_UNITS = [
    ("dose", "mg", r"毫克|mg"), ("dose", "g", r"克|g(?![a-z])"), ("dose", "mcg", r"微克|μg|ug|mcg"),
    ("dose", "ml", r"毫升|ml"), ("dose", "unit", r"单位|iu|u(?![a-z])"),
    ("dose", "tablet", r"片|粒|袋|支|包|丸|贴|瓶"), ("dose", "puff", r"喷|滴|揿"),
    ("age", "year", r"岁|周岁"),
    ("duration", "day", r"(?:多|余)?(?:天|日|晚)"), ("duration", "week", r"个?(?:多|余)?(?:周|星期|礼拜)"),
    ("duration", "month", r"个?(?:多|余)?月"), ("duration", "year", r"(?:多|余)?年"),
    ("duration", "hour", r"个?(?:多|余)?(?:小时|钟头)"), ("duration", "minute", r"(?:多|余)?分钟"),
    ("percent", "%", r"%|％"), ("temperature", "degree", r"度|℃|°c?"),
    ("pressure", "mmhg", r"mmhg|毫米汞柱"), ("rate", "bpm", r"次/分|次每分|下/分"),
    ("weight", "kg", r"公斤|千克|kg"), ("weight", "jin", r"斤"),
    ("size", "cm", r"厘米|公分|cm|毫米|mm|米"), ("count", "times", r"次|回|遍"),
]
_ZH_PER = re.compile(r"\s*(?:吃|服|用|拉|解|大便|小便)?[一二两三四五六七八九十几\d]+(?:次|遍|回|顿)")
_ZH_UNIT = re.compile(r"\s*(?:" + "|".join(f"(?P<u{i}>{p})" for i, (_, _, p) in enumerate(_ZH_UNITS)) + r")")


def _zh_integer(run: str) -> float | None:
    total, section, current = 0, 0, None
    for char in run:
        if char in _ZH_DIGIT:
            if current is not None:
                return None  # 一两, 三四: not one number
            current = _ZH_DIGIT[char]
        elif char == "万":
            total += (section + (current or 0)) * 10000
            section, current = 0, None
        else:
            section += (1 if current is None else current) * _ZH_SCALE[char]
            current = None
    return float(total + section + (current or 0))


def _zh_readings(run: str) -> list[float]:
    if run == "半":
        return [0.5]
    if run[0].isdigit():
        return [float(run)]
    whole, _, fraction = run.partition("点")
    value = _zh_integer(whole) if whole else None
    if value is not None:
        if fraction:
            digits = "".join(str(_ZH_DIGIT[c]) for c in fraction if c in _ZH_DIGIT)
            return [float(f"{int(value)}.{digits}")]
        return [value]
    return [float(_ZH_DIGIT[c]) for c in whole if c in _ZH_DIGIT]  # 一两天: 1 and 2


def _zh_numbers(text: str) -> list[Quantity]:
    lower = text.lower()
    found: list[Quantity] = []
    consumed = 0
    for m in _ZH_RUN.finditer(lower):
        start, end = m.start(), m.end()
        if start < consumed:
            continue
        if m.group(0)[0].isdigit() and ((start > 0 and lower[start - 1].isascii() and lower[start - 1].isalpha())
                                        or (end < len(lower) and lower[end].isascii() and lower[end].isalpha()
                                            and not _ZH_UNIT.match(lower, end))):
            continue
        values = _zh_readings(m.group(0))
        cls, unit, unit_end = unit_after(lower, end, _ZH_UNITS, _ZH_UNIT)
        if cls == "temperature":  # 38度5 = 38.5
            tail = re.match(r"[一二三四五六七八九\d](?![\d天个次年月岁])", lower[unit_end:])
            if tail and len(values) == 1 and values[0].is_integer():
                digit = tail.group(0)
                values = [values[0] + (int(digit) if digit.isdigit() else _ZH_DIGIT[digit]) / 10]
                unit_end += 1
        if cls == "duration" and unit == "year" and values and values[0] >= 1900:
            cls, unit = "number", ""  # 2019年 is a date
        if cls == "duration" and _ZH_PER.match(lower, unit_end):
            cls, unit = "number", ""  # 一天两遍 is a frequency, not a duration
        consumed = unit_end
        for v in values:
            found.append(Quantity(v, start, unit_end, unit, cls, text[start:unit_end], end))
    return pairs(lower, found)


def find_numbers(text: str, language: str) -> list[Quantity]:
    """Every number in ``text`` with the unit that follows it.

    Args:
        text: A sentence or an utterance.
        language: ``zh`` or ``en`` (Chinese text also has its Arabic digits read).

    Returns:
        Quantities in text order; a spoken run with several readings gives one quantity per reading.
    """
    return _zh_numbers(text) if language.startswith("zh") else en_numbers(text)
