"""Controlled errors injected into correct record sentences, to measure what the support check catches.

Each type changes one thing in a sentence, deterministically for a given seed and sentence, in Chinese and
English:

- ``negation``: a symptom, diagnosis, finding, habit or allergy flips between present and absent
  (``denies`` ↔ ``reports``, ``no X`` → ``X``, ``无`` ↔ ``有``, ``未闻及`` → ``可闻及``, else ``no``/``无`` inserted);
- ``number``: a number that is neither a dose nor a duration (vital sign, lab value, age, score) changes;
- ``duration``: a duration changes (its number, or now and then its unit: days ↔ weeks);
- ``dose``: a dose changes (halved, doubled, tenfold, or a neighbouring strength);
- ``drug``: a drug name becomes another drug that the conversation never names;
- ``laterality``: left ↔ right (左 ↔ 右; bilateral → one side);
- ``added_symptom``: a symptom the conversation never mentions is added (``, and reports nausea``, ``，伴恶心``).

A type that cannot be applied to a sentence (no number, no side...) gives None; callers count those as skipped.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Sequence

from summarizer.error_injection_rules import (ADDED_SYMPTOMS, flip_polarity, format_like, hedged, new_dose,
                                              new_duration_unit, new_number)
from summarizer.support_numbers import Quantity, find_numbers
from summarizer.support_text import GENERIC_DRUGS, POLAR_KINDS, druglike_names, side_mentions, term_claims
from summarizer.vocab import Vocabulary, load_vocabulary

__all__ = ["ERROR_TYPES", "Injection", "inject", "inject_all"]

ERROR_TYPES = ("negation", "number", "duration", "dose", "drug", "laterality", "added_symptom")
_EN_SIDE_SWAP = {"left": "right", "right": "left"}
_ZH_SIDE_SWAP = {"左": "右", "右": "左"}
_DRUG_CLASSES = {"降压药", "抗生素", "消炎药", "退烧药", "止咳药", "感冒药", "激素", "胰岛素", "中药", "西药",
                 "antibiotics", "antibiotic", "blood pressure medication", "steroids", "steroid", "insulin",
                 "pain medication", "inhaler", "antihistamine", "antihistamines", "nsaids", "nsaid", "vitamins",
                 "supplements", "birth control", "chemotherapy", "medication", "medications"}


@dataclass(frozen=True)
class Injection:
    """One injected error.

    Attributes:
        type: One of :data:`ERROR_TYPES`.
        original: The correct sentence.
        text: The sentence with the error.
        changed: What changed, as ``before → after``.
    """

    type: str
    original: str
    text: str
    changed: str


def _rng(seed: int, error_type: str, sentence: str) -> random.Random:
    return random.Random(f"{seed}\x1f{error_type}\x1f{sentence}")


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


_DATES = {
    "en": re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/(?:19|20)\d{2}|\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b|"
                     r"\b[a-z]{1,2}\d+(?:-[a-z]?\d+)*|[a-z]-\d+|\d-[a-z]|\d+(?:st|nd|rd|th)\b", re.IGNORECASE),
    "zh": re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}|\d{1,2}\s*[日号]|\d{1,2}:\d{2}|[a-z]\d", re.IGNORECASE),
}


_VAGUE = re.compile(r"(?:couple|few|several|some|many)\b", re.IGNORECASE)


def _quantities(text: str, language: str, classes: Sequence[str] | None, exclude: Sequence[str] = ()) -> list[Quantity]:
    """Numbers worth changing: not dates, times, ordinals or parts of names (``B12``, ``C5-6``)."""
    dates = [(m.start(), m.end()) for m in _DATES[language].finditer(text)]
    seen, out = set(), []
    for q in find_numbers(text, language):
        if q.start in seen or q.value_end <= q.start or any(s <= q.start < e or s < q.value_end <= e
                                                            for s, e in dates):
            continue
        seen.add(q.start)
        if classes is not None and q.cls not in classes:
            continue
        if q.cls in exclude:
            continue
        if not q.surface[:1].isdigit() and q.cls in ("number", "count"):
            continue  # a bare counting word (one of, 一下) is not a claim worth changing
        if _VAGUE.match(text[q.start:q.value_end]):
            continue  # "a couple of days", "a few weeks": no exact value to change
        out.append(q)
    return out


def _change_quantity(text: str, language: str, rng: random.Random, error_type: str) -> tuple[str, str] | None:
    if error_type == "dose":
        candidates = _quantities(text, language, ("dose",))
    elif error_type == "duration":
        candidates = _quantities(text, language, ("duration",))
    else:
        candidates = _quantities(text, language, None, exclude=("dose", "duration", "count"))
    if not candidates:
        return None
    q = rng.choice(candidates)
    number_text = text[q.start:q.value_end]
    if error_type == "duration" and q.unit and rng.random() < 0.25:
        unit_text = text[q.value_end:q.end]
        swapped = new_duration_unit(unit_text, language)
        if swapped:
            return _splice(text, q.value_end, q.end, swapped), f"{text[q.start:q.end]} → {number_text}{swapped}"
    others = {round(o.value, 6) for o in find_numbers(text, language) if o.start != q.start}
    for _ in range(8):  # not a value the sentence already states ("1 to 2 days" → "2 to 2 days" says no new value)
        value = new_dose(q.value, rng) if error_type == "dose" else new_number(q.value, rng)
        if round(value, 6) not in others:
            break
    else:
        return None
    written = format_like(value, number_text, language)
    return _splice(text, q.start, q.value_end, written), f"{text[q.start:q.end]} → {written}{text[q.value_end:q.end]}"


def _said_items(transcript: str, vocab: Vocabulary) -> set[str]:
    return {m.term.item for m in vocab.scan(transcript.lower())}


def _swap_drug(text: str, language: str, rng: random.Random, vocab: Vocabulary, transcript: str):
    lowered = text.lower() if language == "en" else text
    terms = [c for c in term_claims(lowered, language, vocab) if c.kind == "drug" and c.item not in _DRUG_CLASSES
             and c.item not in GENERIC_DRUGS]
    spans = [(c.start, c.end, c.item) for c in terms]
    spans += [(s, e, name) for name, s, e in druglike_names(lowered, language)
              if not any(a < e and s < b for a, b, _ in spans)]
    if not spans:
        return None
    start, end, item = rng.choice(sorted(spans))
    said = _said_items(transcript, vocab) | {item}
    lower_transcript = transcript.lower()
    options = sorted(d for d in vocab.items("drug") if d not in said and d not in _DRUG_CLASSES
                     and d not in GENERIC_DRUGS and d.lower() not in lower_transcript and d.lower() not in lowered)
    if not options:
        return None
    new = rng.choice(options)
    if text[start:start + 1].isupper():
        new = new[:1].upper() + new[1:]
    return _splice(text, start, end, new), f"{text[start:end]} → {new}"


def _flip_side(text: str, language: str, rng: random.Random):
    lowered = text.lower() if language == "en" else text
    sides = side_mentions(lowered, language)
    if not sides:
        return None
    s = rng.choice(sides)
    if language == "zh":
        char = lowered[s.start]
        new = _ZH_SIDE_SWAP.get(char) or rng.choice("左右")
        return _splice(text, s.start, s.start + 1, new), f"{char} → {new}"
    m = re.compile(r"\b(left|right|bilateral|bilaterally|both)\b").search(lowered, s.start, s.end)
    if m is None:
        return None
    word = m.group(1)
    new = _EN_SIDE_SWAP.get(word) or rng.choice(("left", "right"))
    if word == "bilaterally":
        new = f"on the {new}"
    elif word == "both":
        new = f"the {new}"
    original = text[m.start():m.end()]
    if original[:1].isupper():
        new = new[:1].upper() + new[1:]
    return _splice(text, m.start(), m.end(), new), f"{original} → {new}"


def _add_symptom(text: str, language: str, rng: random.Random, vocab: Vocabulary, transcript: str):
    said = _said_items(transcript, vocab) | _said_items(text, vocab)
    lower_transcript = transcript.lower()
    options = []
    for name in ADDED_SYMPTOMS[language]:
        item = next((m.term.item for m in vocab.scan(name.lower())), name)
        if item not in said and name.lower() not in lower_transcript:
            options.append(name)
    if not options:
        return None
    name = rng.choice(options)
    body = text.rstrip()
    end = len(body)
    while end > 0 and body[end - 1] in "。.!！;；":
        end -= 1
    if language == "zh":
        return body[:end] + f"，伴{name}" + body[end:], f"+ 伴{name}"
    return body[:end] + f", and reports {name}" + body[end:], f"+ and reports {name}"


def _flip_negation(text: str, language: str, rng: random.Random, vocab: Vocabulary):
    lowered = text.lower() if language == "en" else text
    claims = [c for c in term_claims(lowered, language, vocab)
              if c.kind in POLAR_KINDS and c.cue != c.surface and not hedged(lowered, c, language)]
    if not claims:
        return None
    claim = rng.choice(claims)
    flipped = flip_polarity(text, lowered, claim, language)
    if flipped is None:
        return None
    return flipped[0], f"{flipped[1]} ({claim.surface.strip()})"


def inject(sentence: str, error_type: str, language: str, *, transcript: str = "", seed: int = 0,
           vocabulary: Vocabulary | None = None) -> Injection | None:
    """Inject one error of one type into a sentence.

    Args:
        sentence: A correct record sentence.
        error_type: One of :data:`ERROR_TYPES`.
        language: ``zh`` or ``en``.
        transcript: The conversation's text (drugs and symptoms added must not occur in it).
        seed: Seed; the same seed, type and sentence always give the same error.
        vocabulary: Terms (drugs, symptoms); the bundled vocabulary by default.

    Returns:
        The injection, or None when the type does not apply to the sentence.

    Raises:
        ValueError: Unknown error type.
    """
    if error_type not in ERROR_TYPES:
        raise ValueError(f"error type must be one of {ERROR_TYPES}, not {error_type!r}")
    lang = "zh" if language.startswith("zh") else "en"
    vocab = vocabulary or load_vocabulary(lang)
    rng = _rng(seed, error_type, sentence)
    if error_type == "negation":
        result = _flip_negation(sentence, lang, rng, vocab)
    elif error_type in ("number", "duration", "dose"):
        result = _change_quantity(sentence, lang, rng, error_type)
    elif error_type == "drug":
        result = _swap_drug(sentence, lang, rng, vocab, transcript)
    elif error_type == "laterality":
        result = _flip_side(sentence, lang, rng)
    else:
        result = _add_symptom(sentence, lang, rng, vocab, transcript)
    if result is None or result[0] == sentence:
        return None
    return Injection(error_type, sentence, result[0], result[1])


def inject_all(sentence: str, language: str, *, transcript: str = "", seed: int = 0,
               vocabulary: Vocabulary | None = None) -> dict[str, Injection | None]:
    """One injection per error type (None where a type does not apply)."""
    return {t: inject(sentence, t, language, transcript=transcript, seed=seed, vocabulary=vocabulary)
            for t in ERROR_TYPES}
