"""Numbers, durations, doses, frequencies and temperatures in Chinese and English speech, normalized for the record.

Every ``find_*`` function returns ``(normalized text, start, end)`` triples so that callers can tell which spans of a
sentence they have used. Chinese output keeps the units the speaker used (``5毫克``, ``0.5克``), with Arabic digits.
"""

from __future__ import annotations

import re

__all__ = ["ZH_NUMBER", "EN_NUMBER", "zh_number", "en_number", "format_number", "find_durations", "find_doses",
           "find_frequencies", "find_temperatures", "find_route", "zh_count"]

ZH_NUMBER = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+(?:点[零一二三四五六七八九]+)?)"
EN_NUMBER = (r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
             r"twenty|thirty|a couple of|a couple|a few|several|a|an)")
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "a couple of": 2, "a couple": 2, "three": 3, "four": 4, "five": 5,
             "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
             "fifteen": 15, "twenty": 20, "thirty": 30}
_ZH_COUNT = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六"}


def _zh_integer(text: str) -> int | None:
    if not text or any(c not in _ZH_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _ZH_DIGITS[char] if current and text.find("十") < 0 else _ZH_DIGITS[char]
    return total + current


def zh_number(text: str) -> float | None:
    """The value of a Chinese or Arabic number (``三十八点六`` → 38.6, ``两`` → 2, ``12.5`` → 12.5), else None."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    whole, _, fraction = text.partition("点")
    value = _zh_integer(whole)
    if value is None:
        return None
    if fraction:
        if any(c not in _ZH_DIGITS for c in fraction):
            return None
        return float(f"{value}.{''.join(str(_ZH_DIGITS[c]) for c in fraction)}")
    return float(value)


def en_number(text: str) -> float | None:
    """The value of an English number word or digits (``three`` → 3, ``a`` → 1), else None."""
    text = text.strip().lower()
    try:
        return float(text)
    except ValueError:
        return _EN_WORDS.get(text)


def format_number(value: float) -> str:
    """``3.0`` → ``"3"``, ``0.5`` → ``"0.5"``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def zh_count(value: float) -> str:
    """A small count as a Chinese numeral for frequencies (2 → ``两``)."""
    return _ZH_COUNT.get(int(value), format_number(value))


# --- durations ------------------------------------------------------------------------------------------------

_ZH_DURATION = re.compile(
    rf"(?P<n>{ZH_NUMBER}|十几|几十|好几|几|半)(?P<ge>个)?(?P<half>半)?(?P<unit>天|日|周|星期|礼拜|月|年|小时|分钟)"
    r"(?P<more>多|余|左右)?(?P<rel>以前|之前|前|以后|之后|后|以来|了)?")
_ZH_UNITS = {"天": "天", "日": "天", "周": "周", "星期": "周", "礼拜": "周", "月": "个月", "年": "年", "小时": "小时",
             "分钟": "分钟"}
_EN_DURATION = re.compile(
    rf"(?P<pre>\bin\s+|\bfor\s+|\bx\s*|\bpast\s+|\blast\s+|\bover\s+|\babout\s+|\baround\s+)?"
    rf"\b(?P<n>{EN_NUMBER})\s*-?\s*(?P<unit>days?|weeks?|months?|years?|hours?)\b(?P<rel>\s+ago|\s+from now|\s+later)?")


def find_durations(text: str, language: str = "zh") -> list[tuple[str, int, int, str]]:
    """Durations in ``text``.

    Args:
        text: A sentence.
        language: ``zh`` or ``en``.

    Returns:
        ``(normalized, start, end, relation)`` where relation is ``"future"`` for ``三天后``/``in 3 days``,
        ``"past"`` for ``三天前``/``3 days ago`` and ``""`` otherwise. Spans after 每/一天一次-style counts are skipped.
    """
    found = []
    if language == "zh":
        for m in _ZH_DURATION.finditer(text):
            if m.start() > 0 and text[m.start() - 1] in "每隔第" or re.match(r"[一二两三四五六\d]次", text[m.end():]):
                continue
            n = m.group("n")
            if n in ("几", "好几"):
                number = "数"
            elif n in ("十几", "几十"):
                number = "十余" if n == "十几" else "数十"
            elif n == "半":
                number = "半"
            else:
                value = zh_number(n)
                if value is None:
                    continue
                number = format_number(value)
            unit = _ZH_UNITS[m.group("unit")]
            if number == "半" and unit == "个月":
                text_out = "半个月"
            else:
                text_out = f"{number}{unit}{'半' if m.group('half') else ''}"
            if m.group("more") in ("多", "余"):
                text_out += "余"
            rel = m.group("rel") or ""
            relation = "future" if rel in ("以后", "之后", "后") else "past" if rel in ("以前", "之前", "前") else ""
            found.append((text_out, m.start(), m.end(), relation))
        return found
    for m in _EN_DURATION.finditer(text.lower()):
        n = m.group("n")
        value = en_number(n)
        unit = m.group("unit").rstrip("s")
        if n in ("a few", "several"):
            out = f"{n} {unit}s"
        elif value is None:
            continue
        else:
            out = f"{format_number(value)} {unit}{'' if value == 1 else 's'}"
        pre, rel = (m.group("pre") or "").strip(), (m.group("rel") or "").strip()
        relation = "future" if pre == "in" or rel in ("from now", "later") else "past" if rel == "ago" else ""
        found.append((out, m.start("n"), m.end(), relation))
    return found


# --- doses, frequencies, routes ---------------------------------------------------------------------------------

_ZH_DOSE = re.compile(rf"(?P<n>{ZH_NUMBER})\s*(?P<u>毫克|mg|克|g|微克|μg|ug|mcg|毫升|ml|片|粒|袋|支|滴|单位|iu|喷|包)"
                      r"(?![a-z拉])", re.IGNORECASE)
_EN_DOSE = re.compile(r"\b(?P<n>\d+(?:\.\d+)?|one|two|three|half a|half)\s*-?\s*(?P<u>mg|milligrams?|g|grams?|mcg|"
                      r"micrograms?|ml|milliliters?|units?|tablets?|pills?|puffs?|capsules?|tabs?)\b", re.IGNORECASE)
_EN_UNITS = {"milligram": "mg", "milligrams": "mg", "gram": "g", "grams": "g", "microgram": "mcg",
             "micrograms": "mcg", "milliliter": "ml", "milliliters": "ml", "tab": "tablet", "tabs": "tablets"}


def find_doses(text: str, language: str = "zh") -> list[tuple[str, int, int]]:
    """Doses such as ``0.5克``, ``5毫克``, ``500mg``, ``500 mg``, ``two tablets``."""
    found = []
    if language == "zh":
        for m in _ZH_DOSE.finditer(text):
            value = zh_number(m.group("n"))
            if value is not None:
                found.append((f"{format_number(value)}{m.group('u')}", m.start(), m.end()))
        return found
    for m in _EN_DOSE.finditer(text):
        n = m.group("n").lower()
        value = 0.5 if n.startswith("half") else en_number(n)
        if value is None:
            continue
        unit = m.group("u").lower()
        found.append((f"{format_number(value)} {_EN_UNITS.get(unit, unit)}", m.start(), m.end()))
    return found


_ZH_FREQUENCIES = [
    (re.compile(r"(?:每天|每日|一天|一日|1天|1日|天天)(?:吃|服|用|口服)?(?P<n>[一二两三四五六1-6])次"),
     lambda m: f"每天{zh_count(zh_number(m.group('n')))}次"),
    (re.compile(r"早晚各一次|早晚各1次"), lambda m: "每天两次"),
    (re.compile(r"每晚(?:一次|1次)?|每天晚上(?:一次)?"), lambda m: "每晚一次"),
    (re.compile(r"(?:每|隔)(?P<n>[一二两三四五六八\d]+)(?:个)?小时(?:一次|1次)?"),
     lambda m: f"每{format_number(zh_number(m.group('n')))}小时一次"),
    (re.compile(r"每周(?P<n>[一二两三1-3])次"), lambda m: f"每周{zh_count(zh_number(m.group('n')))}次"),
    (re.compile(r"睡前"), lambda m: "睡前"),
    (re.compile(r"必要时"), lambda m: "必要时"),
    (re.compile(r"\b(?P<f>qd|bid|tid|qid|qn|qod|prn|q\d+h)\b", re.IGNORECASE), lambda m: m.group("f").lower()),
]
_EN_FREQUENCIES = [
    (re.compile(r"\bonce (?:a|per) day\b|\bonce daily\b|\bdaily\b|\bevery day\b|\bonce a day\b"),
     lambda m: "once a day"),
    (re.compile(r"\btwice (?:a|per) day\b|\btwice daily\b|\btwo times a day\b"), lambda m: "twice a day"),
    (re.compile(r"\b(?:three times|3 times) (?:a|per) day\b"), lambda m: "three times a day"),
    (re.compile(r"\b(?:four times|4 times) (?:a|per) day\b"), lambda m: "four times a day"),
    (re.compile(r"\bevery (?P<n>\d+|four|six|eight|twelve) hours\b"),
     lambda m: f"every {format_number(en_number(m.group('n')))} hours"),
    (re.compile(r"\bat bedtime\b|\bat night\b|\bbefore bed\b"), lambda m: "at bedtime"),
    (re.compile(r"\bas needed\b|\bif needed\b"), lambda m: "as needed"),
    (re.compile(r"\bevery morning\b|\bin the morning\b"), lambda m: "every morning"),
    (re.compile(r"\b(?P<f>qd|bid|tid|qid|prn|qhs|q\d+h)\b"), lambda m: m.group("f")),
]


def find_frequencies(text: str, language: str = "zh") -> list[tuple[str, int, int]]:
    """Dosing frequencies (``一天一次`` → ``每天一次``, ``bid``, ``twice daily`` → ``twice a day``)."""
    patterns = _ZH_FREQUENCIES if language == "zh" else _EN_FREQUENCIES
    source = text if language == "zh" else text.lower()
    candidates = [(normalize(m), m.start(), m.end()) for pattern, normalize in patterns
                  for m in pattern.finditer(source)]
    found: list[tuple[str, int, int]] = []
    for candidate in sorted(candidates, key=lambda f: (f[2] - f[1]), reverse=True):
        if not any(candidate[1] < e and s < candidate[2] for _, s, e in found):
            found.append(candidate)
    return sorted(found, key=lambda f: f[1])


_ZH_ROUTES = [("静脉滴注", r"静滴|静脉滴注|输液|打点滴|挂水|吊瓶"), ("肌内注射", r"肌注|肌肉注射|打针"),
              ("雾化吸入", r"雾化"), ("舌下含服", r"舌下|含服"), ("外用", r"外用|涂|抹"),
              ("口服", r"口服|服用|吃|服")]
_EN_ROUTES = [("IV", r"\biv\b|intravenous"), ("inhaled", r"\binhaler?\b|\bpuffs?\b|nebuliz"),
              ("topical", r"\bcream\b|\bointment\b|\bapply\b"), ("by mouth", r"\bby mouth\b|\borally\b|\bpo\b")]


def find_route(text: str, language: str = "zh") -> str:
    """The route of administration named in ``text`` (``口服``, ``静脉滴注``, ``by mouth``...) or ``""``."""
    source = text if language == "zh" else text.lower()
    for route, pattern in (_ZH_ROUTES if language == "zh" else _EN_ROUTES):
        if re.search(pattern, source):
            return route
    return ""


# --- temperatures -----------------------------------------------------------------------------------------------

_ZH_TEMPERATURE = re.compile(rf"(?P<n>{ZH_NUMBER})\s*(?:度|℃|°c|°|摄氏度)(?P<frac>[一二三四五六七八九])?(?!数)",
                             re.IGNORECASE)
_EN_TEMPERATURE = re.compile(r"\b(?P<n>\d{2,3}(?:\.\d)?)\s*(?P<u>degrees?(?: fahrenheit| celsius| f| c)?|°\s*[fc]?|"
                             r"f\b|c\b|fahrenheit|celsius)?")


def find_temperatures(text: str, language: str = "zh") -> list[tuple[str, int, int]]:
    """Body temperatures (``38.6度`` → ``38.6℃``, ``三十八度五`` → ``38.5℃``; English ``101.5`` → ``101.5°F``).

    Only values in a body-temperature range count (34–43 ℃, 95–108 ℉); English numbers without a unit count
    only when the caller has seen a temperature word.
    """
    found = []
    if language == "zh":
        for m in _ZH_TEMPERATURE.finditer(text):
            value = zh_number(m.group("n"))
            if value is None:
                continue
            if m.group("frac") and float(value).is_integer():
                value += _ZH_DIGITS[m.group("frac")] / 10
            if 34 <= value <= 43:
                found.append((f"{format_number(value)}℃", m.start(), m.end()))
        return found
    for m in _EN_TEMPERATURE.finditer(text.lower()):
        value = float(m.group("n"))
        unit = (m.group("u") or "").strip()
        if 34 <= value <= 43 and not unit.endswith(("f", "fahrenheit")):
            found.append((f"{format_number(value)}°C", m.start(), m.end()))
        elif 95 <= value <= 108 and not unit.endswith(("c", "celsius")):
            found.append((f"{format_number(value)}°F", m.start(), m.end()))
    return found
