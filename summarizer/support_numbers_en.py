"""English numbers as said and written: digits, number words (``twenty five``, ``a hundred and fifty``,
``ninety eight point six``), spoken runs with several readings (``one twenty`` → 1, 20 and 120), ``a month``,
``three and a half``, and the unit that follows."""

from __future__ import annotations

import re

from summarizer.support_quantity import Quantity, pairs, unit_after

__all__ = ["en_numbers"]

_EN_SMALL = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
             "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "hundreds": 100, "thousands": 1000}
_EN_LONE = {"once": 1, "twice": 2, "single": 1, "double": 2, "triple": 3, "dozen": 12, "half": 0.5,
            "couple": 2}
_NOT_DURATION_BEFORE = {"once", "twice", "times", "time", "x", "mg", "milligrams", "milligram", "tablets", "tablet",
                        "pills", "pill", "puffs", "puff", "glasses", "glass", "drinks", "drink", "cups", "cup",
                        "packs", "pack", "beers", "beer", "meals", "servings", "units", "cigarettes", "miles"}
_EN_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[a-z]+|[^\sa-z\d]")
_EN_UNITS = [
    ("level", "mg/dl", r"mg/dl|mg per deciliter|milligrams per deciliter"),  # a lab value, not a dose
    ("level", "mmol/l", r"mmol/l"),
    ("dose", "mg", r"mg|milligrams?"), ("dose", "g", r"g|grams?|gm"), ("dose", "mcg", r"mcg|micrograms?|ug"),
    ("dose", "ml", r"ml|milliliters?|cc|ccs"), ("dose", "unit", r"units?|iu"),
    ("dose", "tablet", r"tablets?|tabs?|pills?|capsules?|caps?"), ("dose", "puff", r"puffs?|sprays?|drops?"),
    ("age", "year", r"years? old|year old|yo|y/o|year-old|years-old"),
    ("duration", "day", r"days?|nights?"), ("duration", "week", r"weeks?|wks?"),
    ("duration", "month", r"months?"), ("duration", "year", r"years?|yrs?"), ("duration", "hour", r"hours?|hrs?"),
    ("duration", "minute", r"minutes?|mins?"),
    ("percent", "%", r"%|percent"), ("temperature", "degree", r"degrees?|°[fc]?|fahrenheit|celsius"),
    ("pressure", "mmhg", r"mmhg|millimeters of mercury"), ("rate", "bpm", r"bpm|beats"),
    ("rate", "breaths", r"breaths"),
    ("weight", "lb", r"pounds?|lbs?"), ("weight", "kg", r"kg|kilograms?|kilos?"),
    ("size", "cm", r"cm|centimeters?|mm|millimeters?|inch|inches|feet|foot|miles?"),
    ("count", "times", r"times|episodes?"),
]
_EN_UNIT = re.compile(r"\s*-?\s*(?:of\s+|(?:more|extra|additional|fewer|less|or so|or more|full|whole)\s+)?(?:"
                      + "|".join(f"(?P<u{i}>{p})" for i, (_, _, p) in enumerate(_EN_UNITS)) + r")(?![a-z0-9])")

def _en_words_value(words: list[str]) -> float | None:
    """The value of a run of number words that forms one number, else None."""
    total, current, seen, last = 0.0, 0.0, False, ""
    for i, w in enumerate(words):
        if w in ("and", "a") and i not in (0, len(words) - 1):
            continue
        if w == "a" and i == 0 and len(words) > 1 and words[1] in _EN_SCALES:
            current, seen, last = 1, True, "small"
            continue
        if w in _EN_SMALL:
            if last in ("small", "teen") or (last == "tens" and _EN_SMALL[w] >= 10):
                return None
            current += _EN_SMALL[w]
            last = "teen" if _EN_SMALL[w] >= 10 else "small"
        elif w in _EN_TENS:
            if last in ("small", "teen", "tens"):
                return None
            current += _EN_TENS[w]
            last = "tens"
        elif w in _EN_SCALES:
            if not seen:
                return None
            scale = _EN_SCALES[w]
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None


def _en_readings(words: list[str]) -> list[float]:
    """Every reading of a run of number words: the whole, or its parts and their digits joined (``one twenty``
    → 1, 20 and 120)."""
    whole = _en_words_value(words)
    if whole is not None:
        return [whole]
    parts, start = [], 0
    for end in range(1, len(words) + 1):
        if end == len(words) or _en_words_value(words[start:end + 1]) is None:
            value = _en_words_value(words[start:end])
            if value is not None:
                parts.append(value)
            start = end
    joined = "".join(str(int(p)) for p in parts if float(p).is_integer())
    return parts + ([float(joined)] if len(parts) > 1 and joined else [])


def en_numbers(text: str) -> list[Quantity]:
    """Every number of an English text with the unit after it."""
    lower = text.lower()
    tokens = [(m.group(0), m.start(), m.end()) for m in _EN_TOKEN.finditer(lower)]
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        if word[0].isdigit():
            glued = (start > 0 and lower[start - 1].isalpha()) or (end < len(lower) and lower[end].isalpha()
                                                                  and not _EN_UNIT.match(lower, end))
            if glued:  # b12, a1c, covid-19 style names are not quantities
                i += 1
                continue
            value = float(word.replace(",", ""))
            if i + 1 < len(tokens) and tokens[i + 1][0] in _EN_SCALES:
                value *= _EN_SCALES[tokens[i + 1][0]]
                end = tokens[i + 1][2]
                i += 1
            values = [value]
            if i + 2 < len(tokens) and tokens[i + 1][0] == "." and tokens[i + 2][0].isdigit():
                i += 2  # "98 . 6" (a tokenized decimal)
                values = [float(f"{word}.{tokens[i][0]}")]
                end = tokens[i][2]
        elif word in _EN_SMALL or word in _EN_TENS or (word == "a" and i + 1 < len(tokens)
                                                       and tokens[i + 1][0] in _EN_SCALES):
            j = i
            run: list[str] = []
            while j < len(tokens) and (tokens[j][0] in _EN_SMALL or tokens[j][0] in _EN_TENS
                                       or tokens[j][0] in _EN_SCALES or tokens[j][0] == "-"
                                       or (tokens[j][0] in ("and", "a") and (run or j == i))):
                if tokens[j][0] != "-":
                    run.append(tokens[j][0])
                j += 1
            while run and run[-1] in ("and", "a"):
                run.pop()
                j -= 1
            if j < len(tokens) - 1 and tokens[j][0] == "point" and tokens[j + 1][0] in _EN_SMALL:
                k, digits = j + 1, ""
                while k < len(tokens) and tokens[k][0] in _EN_SMALL and _EN_SMALL[tokens[k][0]] < 10:
                    digits += str(_EN_SMALL[tokens[k][0]])
                    k += 1
                whole = _en_words_value(run)
                values = [float(f"{int(whole)}.{digits}")] if whole is not None and digits else _en_readings(run)
                j = k
            else:
                values = _en_readings(run) if run else []
                if len(values) == 1 and values[0] < 10 and re.search(r"\ba\.\s*$", lower[:start]):
                    values.append(values[0] / 10)  # "a. five centimeter": ".5" as speech recognition wrote it
            if j <= i:
                i += 1
                continue
            end = tokens[j - 1][2]
            i = j - 1
        elif word == "point" and i + 1 < len(tokens) and tokens[i + 1][0] in _EN_SMALL \
                and _EN_SMALL[tokens[i + 1][0]] < 10 and not (i > 0 and tokens[i - 1][0] in _EN_SMALL):
            k, digits = i + 1, ""
            while k < len(tokens) and tokens[k][0] in _EN_SMALL and _EN_SMALL[tokens[k][0]] < 10:
                digits += str(_EN_SMALL[tokens[k][0]])
                k += 1
            values, end, i = [float(f"0.{digits}")], tokens[k - 1][2], k - 1
        elif word in ("a", "an") and i + 1 < len(tokens) and re.fullmatch(
                r"days?|weeks?|months?|years?|hours?|nights?", tokens[i + 1][0]) and not (
                i > 0 and (tokens[i - 1][0] in _NOT_DURATION_BEFORE or tokens[i - 1][0][0].isdigit()
                           or tokens[i - 1][0] in _EN_SMALL)):
            values = [1.0]  # "a month", "an hour"; not "once a day", "two tablets a day"
        elif word in _EN_LONE:
            values = [_EN_LONE[word]]
        else:
            i += 1
            continue
        if word == "half" and re.match(r"\s+an?\s+(?=[a-z])", lower[end:]) and _EN_UNIT.match(
                lower, end + re.match(r"\s+an?", lower[end:]).end()):
            end += re.match(r"\s+an?", lower[end:]).end()  # "half a cc"
        half = re.match(r"\s+and a half\b", lower[end:])
        if half and values:
            values = values + [values[-1] + 0.5]
            end += half.end()
        spoken = re.match(r"\.\s(zero|one|two|three|four|five|six|seven|eight|nine)\b", lower[end:])
        if spoken and values and values[-1].is_integer() and not word[0].isdigit():
            values = values + [values[-1] + _EN_SMALL[spoken.group(1)] / 10]  # "two. five" as transcribed
        cls, unit, unit_end = unit_after(lower, end, _EN_UNITS, _EN_UNIT)
        after_unit = re.match(r"[-\s]+and[-\s]+a[-\s]+half\b", lower[unit_end:]) if cls != "number" else None
        if after_unit and values:  # "an hour and a half", "a year and a half"
            values = [v + 0.5 for v in values]
            unit_end += after_unit.end()
        if cls == "duration" and re.match(r"\s*-?\s*old\b", lower[unit_end:]):
            cls, unit_end = "age", re.match(r"\s*-?\s*old\b", lower[unit_end:]).end() + unit_end
        if cls == "number" and len(values) == 1 and 0 < values[0] <= 110 and _AGE_BEFORE.search(lower[:start]):
            found.append(Quantity(float(values[0]), start, end, "year", "age", text[start:end], end))  # "who is nine"
        for v in values:
            found.append(Quantity(float(v), start, unit_end, unit, cls, text[start:unit_end], end))
        i += 1
    for m in _UNIT_AND_A_HALF.finditer(lower):  # "it's been about a, a tough, year-and-a-half"
        if not any(q.start <= m.start() < q.end for q in found):
            unit = {"hour": "hour", "day": "day", "week": "week", "month": "month", "year": "year"}[m.group(1)]
            found.append(Quantity(1.5, m.start(), m.end(), unit, "duration", text[m.start():m.end()], m.start()))
    found.sort(key=lambda q: q.start)
    return pairs(lower, sorted(found + _shared_scale(lower, found), key=lambda q: q.start))


def _shared_scale(lower: str, found: list[Quantity]) -> list[Quantity]:
    """The low end of a spoken range that shares its scale word with the high end: "three to four hundreds" and
    "five or six hundred" say 300 and 500."""
    out = []
    for a in found:
        if not (1 <= a.value < 10 and float(a.value).is_integer()):
            continue
        for b in found:
            scale = re.search(r"\b(hundreds?|thousands?)\W*$", lower[b.start:b.value_end]) if b.value_end > 0 else None
            if b.start > a.end and scale and re.fullmatch(r"\s+(?:to|or|-)\s+", lower[a.end:b.start]) and \
                    b.value >= 100:
                value = a.value * _EN_SCALES[scale.group(1)]
                if value < b.value:
                    out.append(Quantity(value, a.start, a.end, b.unit, b.cls, lower[a.start:a.end], a.value_end))
                break
    return out


_UNIT_AND_A_HALF = re.compile(r"\b(hour|day|week|month|year)[-\s]+and[-\s]+a[-\s]+half\b")


# A bare number after these words is (also) an age: "a son who is nine", "she's two", "he turned 60".
_AGE_BEFORE = re.compile(r"\b(?:who is|who's|he is|he's|she is|she's|turned|turns|turning|aged|age)\s+$")
