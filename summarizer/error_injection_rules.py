"""The rewriting rules of :mod:`summarizer.error_injection`: how a polarity is flipped, a number, dose or duration
changed, and which symptoms may be added. Written independently of the support check's own readers, so that an
injected error is not shaped to what the check understands.
"""

from __future__ import annotations

import random
import re

from summarizer.support_text import TermClaim

__all__ = ["ADDED_SYMPTOMS", "hedged", "flip_polarity", "new_number", "new_dose", "new_duration_unit", "format_like"]

# Common symptoms a scribe might invent (hand-written; every one is in the bundled vocabulary).
ADDED_SYMPTOMS = {
    "en": ("nausea", "vomiting", "diarrhea", "rash", "chest pain", "palpitations", "blurred vision", "night sweats",
           "weight loss", "joint pain", "back pain", "numbness", "constipation", "hematuria", "tinnitus",
           "sore throat", "headache", "dizziness", "shortness of breath", "abdominal pain", "fever", "chills",
           "cough", "wheezing", "hemoptysis", "dysuria", "syncope", "leg swelling", "hair loss", "insomnia"),
    "zh": ("恶心", "呕吐", "腹泻", "皮疹", "胸痛", "心悸", "视物模糊", "盗汗", "体重下降", "关节痛", "腰痛", "麻木",
           "便秘", "血尿", "耳鸣", "咽痛", "头痛", "头晕", "气促", "腹痛", "发热", "寒战", "咳嗽", "喘息", "咯血",
           "尿痛", "晕厥", "下肢水肿", "脱发", "失眠"),
}

_EN_NEG = re.compile(r"\b(no evidence of|no history of|no signs? of|negative for|free of|absence of|denies|denied|"
                     r"deny|denying|without|never|none|nor|no longer|no|not)\b|n't\b")
_EN_NEG_SWAP = {"no evidence of": "evidence of", "no history of": "a history of", "no sign of": "signs of",
                "no signs of": "signs of", "negative for": "positive for", "free of": "with",
                "absence of": "presence of", "denies": "reports", "denied": "reported", "deny": "report",
                "denying": "reporting", "without": "with", "never": "", "none": "some", "nor": "and", "no longer": "still", "no": "",
                "not": "", "n't": ""}
_EN_POS_VERB = re.compile(r"\b(reports|reported|endorses|endorsed|complains of|complained of|admits to|notes|noted|"
                          r"describes|experiences|experiencing|positive for|positive)\s+(?:(?:some|a|an|the|of|mild|occasional|"
                          r"intermittent|significant|new)\s+)*$")
_EN_POS_SWAP = {"reports": "denies", "reported": "denied", "endorses": "denies", "endorsed": "denied",
                "complains of": "denies", "complained of": "denied", "admits to": "denies", "notes": "denies",
                "noted": "denied", "describes": "denies", "experiences": "denies", "experiencing": "denying",
                "positive for": "negative for", "positive": "negative"}
_EN_BREAK = re.compile(r"[.;:!?()]|\b(?:but|however|although|though|whereas|except|other than)\b")
_EN_POS_ANY = re.compile(r"\b(?:reports|reported|endorses|endorsed|complains|complained|admits|notes|noted|has|had|"
                         r"positive for)\b")
_EN_ARTICLE = re.compile(r"(?:\b(?:a|an|some|any|the|mild|moderate|severe|occasional|intermittent|chronic|acute|"
                         r"left|right|bilateral|new|recent|worsening|persistent|significant|lower|upper)\s+)+$",
                         re.IGNORECASE)

_ZH_NEG = re.compile(r"否认有|否认|没有|未见|未闻及|未触及|未诉|不伴|没|无|未|不")
_ZH_NEG_SWAP = {"否认有": "有", "否认": "有", "没有": "有", "未见": "可见", "未闻及": "可闻及", "未触及": "可触及",
                "未诉": "诉", "不伴": "伴", "没": "有", "无": "有", "未": "有", "不": ""}
_ZH_POS = re.compile(r"(伴有|伴|有|出现|诉|可见|见|可闻及|闻及|触及|患有|存在)$")
_ZH_POS_SWAP = {"伴有": "无", "伴": "无", "有": "无", "出现": "无", "诉": "否认", "可见": "未见", "见": "未见",
                "可闻及": "未闻及", "闻及": "未闻及", "触及": "未触及", "患有": "无", "存在": "无"}
_ZH_BREAK = re.compile(r"[。；;，,：:！？!?（）()]|但")
_ZH_POST = re.compile(r"^(阴性|阳性|\(-\)|\(\+\)|（-）|（\+）)")
_ZH_POST_SWAP = {"阴性": "阳性", "阳性": "阴性", "(-)": "(+)", "(+)": "(-)", "（-）": "（+）", "（+）": "（-）"}
_ZH_NUMERALS = "零一二三四五六七八九"
_ZH_POS_ANY = re.compile(r"伴有|伴|有|出现|诉|可见|见|闻及|触及|患有|存在")
_ZH_POST_ABSENT = re.compile(r"^\s*(?:已经?|均|都|也)?(?:消失|缓解|好转|不明显|未见异常|正常|没有|没|无)")
_EN_POST_ABSENT = re.compile(r"^\s*(?:(?:is|was|has|have|are|were)\s+)?(?:been\s+)?(?:negative|absent|resolved|"
                             r"ruled out|gone)\b")
# Words after which "no" reads as meant (``has no cough``, ``with no fever``, ``reports no pain``).
_EN_NO_BEFORE = re.compile(r"\b(?:has|have|had|having|with|developed|develops|reports|reported|notes|noted|shows|"
                           r"showed|exhibits|demonstrates|there is|there are|there was|there were|appreciated|feels|"
                           r"endorses|complains of|experiences|experienced|and|or)\s+$")
_EN_FUNCTION = re.compile(r"\b(?:is|are|was|were|be|his|her|their|my|your|he|she|they|it|we|i|for|of|to|in|on|at|from|"
                          r"by|about|regarding|who|which|that|and|or|as|than|patient)\b")
_EN_HEDGE = re.compile(r"\b(?:if|may|might|possible|possibly|likely|unlikely|probable|probably|suspect|suspected|"
                       r"concern|concerned|worried|rule out|consider|considering|whether|should|would|could|unless|"
                       r"versus|vs|not sure|risk|prevent|avoid|monitor|watch)\b")
_ZH_HEDGE = re.compile(r"如|若|考虑|可能|疑似|怀疑|待查|待排|必要时|是否|警惕|注意|预防|避免|一旦|不除外|不排除|以防")
_ZH_WARNING = re.compile(r"时(?:立即|及时|马上|尽快|随时)?(?:急诊|就诊|就医|随诊|复诊|来院|返院)")


def hedged(text: str, claim: TermClaim, language: str) -> bool:
    """Whether a term sits in a hedge or an if-clause (flipping it would not state the opposite)."""
    if language == "zh":
        clause_start = max([m.end() for m in _ZH_BREAK.finditer(text, 0, claim.start)], default=0)
        return bool(_ZH_HEDGE.search(text, clause_start, claim.start) or _ZH_WARNING.search(text))
    clause_start = max([m.end() for m in re.finditer(r"[.;:!?()]", text[:claim.start])], default=0)
    return bool(_EN_HEDGE.search(text, clause_start, claim.start))


def _en_flip(text: str, lowered: str, claim: TermClaim) -> tuple[str, str] | None:
    clause_start = max([m.end() for m in _EN_BREAK.finditer(lowered, 0, claim.start)], default=0)
    negations = list(_EN_NEG.finditer(lowered, clause_start, claim.start))
    positives = list(_EN_POS_ANY.finditer(lowered, negations[-1].end() if negations else clause_start, claim.start))
    if negations and positives and not re.fullmatch(r"\s*(?:any|a|an|the)?\s*", lowered[negations[-1].end():
                                                                                          positives[0].start()]):
        negations = []  # "denies fever, reports cough": cough is stated present
    if negations:
        cue = negations[-1]
        new = _EN_NEG_SWAP[cue.group(0)]
        start, end = cue.start(), cue.end()
        if not new and end < len(text) and text[end] == " ":
            end += 1
        old = text[start:end]
        if new and old[:1].isupper():
            new = new[:1].upper() + new[1:]
        if not new and start == 0:
            rest = text[end:]
            return rest[:1].upper() + rest[1:], f"{old.strip()} → (removed)"
        return text[:start] + new + text[end:], f"{old.strip()} → {new or '(removed)'}"
    verb = _EN_POS_VERB.search(lowered, clause_start, claim.start)
    if verb is not None:
        new = _EN_POS_SWAP[verb.group(1)]
        old = text[verb.start(1):verb.end(1)]
        if old[:1].isupper():
            new = new[:1].upper() + new[1:]
        return text[:verb.start(1)] + new + text[verb.end(1):], f"{old} → {new}"
    if _EN_POST_ABSENT.match(lowered[claim.end:]):
        return None  # "cough resolved": already absent, "no cough resolved" would not flip it
    article = _EN_ARTICLE.search(lowered, clause_start, claim.start)
    at = article.start() if article else claim.start
    lead = lowered[clause_start:at]
    if _EN_NO_BEFORE.search(lead):
        pass  # "she has cough" → "she has no cough"
    elif re.fullmatch(r"\s*(?:[a-z]+\s+){0,2}", lead) and not _EN_FUNCTION.search(lead):
        at = clause_start + len(lead) - len(lead.lstrip())  # "Calf tenderness." → "No calf tenderness."
    else:
        return None  # "Regarding his migraines", "presents for chest pain": no place where "no" reads as meant
    word = "no " if lowered[:at].strip(" ,") else "No "
    rest = re.sub(r"^(?:(?:a|an|the|some|any)\s+)+", "", text[at:], flags=re.IGNORECASE)
    if word == "No ":
        rest = rest[:1].lower() + rest[1:] if not rest[1:2].isupper() else rest
    return text[:at] + word + rest, f"+ {word.strip()}"


def _zh_flip(text: str, claim: TermClaim) -> tuple[str, str] | None:
    post = _ZH_POST.match(text[claim.end:])
    if post:
        new = _ZH_POST_SWAP[post.group(1)]
        return text[:claim.end] + new + text[claim.end + post.end():], f"{post.group(1)} → {new}"
    if _ZH_POST_ABSENT.match(text[claim.end:]):
        return None  # 咳嗽已消失: already absent, 无咳嗽已消失 would not flip it
    clause_start = max([m.end() for m in _ZH_BREAK.finditer(text, 0, claim.start)], default=0)
    before = text[clause_start:claim.start]
    negations = [m for m in _ZH_NEG.finditer(before)
                 if not (m.group(0) == "不" and len(before) - m.end() > 1)]
    if negations:
        cue = negations[-1]
        between = before[cue.end():]
        if len(re.sub(r"[、和及与或]", "", between)) <= 12:
            new = _ZH_NEG_SWAP[cue.group(0)]
            start = clause_start + cue.start()
            return text[:start] + new + text[start + len(cue.group(0)):], f"{cue.group(0)} → {new or '（删除）'}"
        if not _ZH_POS_ANY.search(between):
            return None  # 无发热、乏力……咳嗽: still under the negation, 无 inserted before 咳嗽 would change nothing
    verb = _ZH_POS.search(before)
    if verb is not None:
        new = _ZH_POS_SWAP[verb.group(1)]
        start = clause_start + verb.start(1)
        return text[:start] + new + text[start + len(verb.group(1)):], f"{verb.group(1)} → {new}"
    return text[:claim.start] + "无" + text[claim.start:], "+ 无"


def flip_polarity(text: str, lowered: str, claim: TermClaim, language: str) -> tuple[str, str] | None:
    """Flip a term between present and absent by its nearest cue (``denies`` → ``reports``, ``无`` → ``有``), or by
    inserting ``no``/``无`` before it.

    Args:
        text: The sentence as written.
        lowered: The same sentence lower-cased (English) — offsets match ``text``.
        claim: The term to flip (its offsets index ``lowered``).
        language: ``zh`` or ``en``.

    Returns:
        (new sentence, what changed), or None.
    """
    return _zh_flip(text, claim) if language == "zh" else _en_flip(text, lowered, claim)


def new_number(value: float, rng: random.Random) -> float:
    """A different, plausible value: a neighbour, a slip of a digit, or a change of about a fifth."""
    if value <= 0:
        return rng.choice((1.0, 2.0, 5.0))
    if not float(value).is_integer():
        step = 10 ** -len(f"{value:g}".split(".")[1])
        options = [value + step * k for k in (-5, -3, -2, 2, 3, 5, 10)] + [value * 1.2, value * 0.8]
        options = [round(o, 4) for o in options if o > 0]
    else:
        v = int(value)
        options = [v + 1, v + 2, v - 1, v + 10, v * 2, round(v * 1.25)] if v < 20 else \
            [v + 10, v - 10, v + 5, v - 5, round(v * 1.2), round(v * 0.8), v + 20]
    options = [o for o in options if o > 0 and abs(o - value) > 1e-9]
    return rng.choice(options)


def new_dose(value: float, rng: random.Random) -> float:
    """A wrong strength: halved, doubled, tenfold, a tenth, or one and a half times."""
    if value <= 0:
        return rng.choice((1.0, 2.0, 5.0))
    options = [value * 2, value / 2, value * 10, value / 10, value * 1.5]
    return rng.choice([round(o, 4) for o in options if o > 0])


_EN_DURATION_UNITS = {"day": "week", "days": "weeks", "week": "month", "weeks": "months", "month": "year",
                      "months": "years", "year": "month", "years": "months", "hour": "day", "hours": "days"}
_ZH_DURATION_UNITS = {"天": "周", "日": "周", "周": "个月", "星期": "个月", "个月": "年", "月": "年", "年": "个月",
                      "小时": "天"}


def new_duration_unit(unit_text: str, language: str) -> str | None:
    """The unit of a duration changed (days → weeks, 天 → 周), keeping what surrounds it; None if unknown."""
    if language == "zh":
        for old, new in _ZH_DURATION_UNITS.items():
            if old in unit_text:
                return unit_text.replace(old, new, 1)
        return None
    m = re.search(r"[a-zA-Z]+", unit_text)
    if m and m.group(0).lower() in _EN_DURATION_UNITS:
        return unit_text[:m.start()] + _EN_DURATION_UNITS[m.group(0).lower()] + unit_text[m.end():]
    return None


def _zh_numeral(n: int) -> str:
    if n < 10:
        return "两" if n == 2 else _ZH_NUMERALS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH_NUMERALS[tens]) + "十" + (_ZH_NUMERALS[ones] if ones else "")
    return str(n)


_EN_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
             "twelve"]


def format_like(value: float, original: str, language: str) -> str:
    """Write a value the way the original number was written (digits, Chinese numerals or English words)."""
    digits = f"{value:g}" if not float(value).is_integer() else str(int(value))
    if original[:1].isdigit() or not float(value).is_integer():
        return digits
    if language == "zh":
        return _zh_numeral(int(value))
    if int(value) < len(_EN_WORDS):
        word = _EN_WORDS[int(value)]
        return word[:1].upper() + word[1:] if original[:1].isupper() else word
    return digits
