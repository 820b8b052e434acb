"""Reading a model's answer for one section back into sentences with the utterance ids they cite.

The answer is untrusted text: a repeated heading is stripped, anything after the start of another section's heading
is cut off (the model ran on), citations are kept only when they name an utterance the model was shown, and an
answer that says "未提及" / "Not discussed" marks the section not discussed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from summarizer.record import Sentence

__all__ = ["ParsedSection", "parse_section", "split_sentences"]

_CITATION = re.compile(r"[\[【(（]\s*((?:u\d+)(?:\s*[,，、;；\s]\s*u?\d+)*)\s*[\]】)）]", re.IGNORECASE)
_NOT_DISCUSSED = re.compile(r"^(未提及|未涉及|无相关内容|不详|暂缺|not discussed|none discussed|n/?a)[。.！!]?$",
                            re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.、)])\s+")


@dataclass(frozen=True)
class ParsedSection:
    """Sentences of one section, whether it was marked not discussed, and what the parser had to repair."""

    sentences: tuple[Sentence, ...]
    not_discussed: bool
    repairs: tuple[str, ...] = ()


def _ids(group: str) -> list[str]:
    width = None
    out = []
    for token in re.split(r"[,，、;；\s]+", group):
        token = token.strip().lower()
        if not token:
            continue
        digits = token.lstrip("u")
        if token.startswith("u"):
            width = max(3, len(digits))  # u2 → u002 (ids are at least three digits)
        out.append("u" + digits.zfill(width or 3))
    return out


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences (zh: ending in 。！？；, en: in . ! ? followed by a space), citations kept with their sentence."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        if language == "zh":
            parts = re.split(r"(?<=[。！？；])", line)
        else:
            parts = re.split(r"(?<=[.!?])\s+", line)
        pieces.extend(p.strip() for p in parts if p.strip())
    # A citation that came after the sentence's full stop belongs to that sentence.
    merged: list[str] = []
    for piece in pieces:
        if merged and _CITATION.match(piece):
            match = _CITATION.match(piece)
            merged[-1] += match.group(0)
            rest = piece[match.end():].strip()
            if rest:
                merged.append(rest)
        else:
            merged.append(piece)
    return merged


def _strip_heading(text: str, title: str) -> tuple[str, bool]:
    pattern = re.compile(r"^\s*(?:#+\s*|\*\*|【)?\s*" + re.escape(title) + r"\s*(?:\*\*|】)?\s*[:：]?\s*")
    stripped = pattern.sub("", text, count=1)
    return stripped, stripped != text


def _cut_other_sections(text: str, other_titles: Iterable[str]) -> tuple[str, bool]:
    cut = len(text)
    for title in other_titles:
        match = re.search(r"(?:^|\n|[。.]\s*)(?:#+\s*|\*\*|【)?" + re.escape(title) + r"\s*(?:\*\*|】)?\s*[:：]", text)
        if match and match.start() > 0:
            cut = min(cut, match.start() + (1 if text[match.start()] in "。." else 0))
        elif match:
            cut = 0
    return text[:cut], cut < len(text)


def parse_section(text: str, title: str, language: str, shown_ids: Sequence[str],
                  other_titles: Sequence[str] = ()) -> ParsedSection:
    """Parse one section's answer.

    Args:
        text: The generated body (the pre-filled heading is not part of it).
        title: This section's heading (stripped if the model repeated it).
        language: ``zh`` or ``en`` (sentence splitting).
        shown_ids: Ids of the utterances the model was shown; other cited ids are dropped.
        other_titles: Headings of the template's other sections; text from the first of them on is cut.

    Returns:
        The sentences, each with its valid cited ids as evidence (verdicts are left ``unchecked``).
    """
    repairs: list[str] = []
    body = text.replace("\ufffd", "").strip()
    body, repeated = _strip_heading(body, title)
    if repeated:
        repairs.append("repeated heading removed")
    body, ran_on = _cut_other_sections(body, [t for t in other_titles if t and t != title])
    if ran_on:
        repairs.append("text of another section removed")
    valid = set(shown_ids)
    sentences: list[Sentence] = []
    dropped = 0
    for piece in split_sentences(body, language):
        cited = [i for group in _CITATION.findall(piece) for i in _ids(group)]
        clean = _CITATION.sub("", piece).strip()
        clean = re.sub(r"\s+([。，；.,;])", r"\1", clean)
        if not clean or _NOT_DISCUSSED.match(clean):
            continue
        evidence = tuple(dict.fromkeys(i for i in cited if i in valid))
        dropped += len(set(cited)) - len(evidence)
        sentences.append(Sentence(clean, evidence))
    if dropped:
        repairs.append(f"{dropped} citation(s) of utterances not in the visit removed")
    not_discussed = not sentences
    return ParsedSection(tuple(sentences), not_discussed, tuple(repairs))
