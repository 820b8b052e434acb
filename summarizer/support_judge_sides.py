"""Sides of the body named in a record sentence held against the transcript (left/right/bilateral, 左/右/双)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from summarizer.support_index import TranscriptIndex
from summarizer.support_judge import Finding, prefer
from summarizer.support_reasons import reason
from summarizer.support_text import SideClaim
from summarizer.support_words import content_units

__all__ = ["judge_sides"]

_OPPOSITE = {"left": "right", "right": "left", "左": "右", "右": "左"}
_BOTH = {"en": re.compile(r"\b(?:both|bilateral|bilaterally|two)\b"), "zh": re.compile(r"双|两")}
# A side said without a body part: "on the right", "left-sided"; not "right here", "all right", "that's right".
_SIDE_WORDS = {"en": re.compile(r"\b(?:on|to|at|in|from)\s+(?:the|your|my|his|her|their)\s+(left|right)\b|"
                                r"\b(left|right)(?=[\s-]+(?:side|sided)\b)"),
               "zh": re.compile(r"(左|右)")}


def _sides_for(claim: SideClaim, idx: TranscriptIndex, ids) -> dict[str, list[str]]:
    """Sides said for the claim's body part in the given utterances: side → utterance ids (``bilateral``/``双``
    also when both sides, or "both"/"bilaterally", are said of that part)."""
    lang = idx.language
    found: dict[str, list[str]] = {}
    for uid in ids:
        view = idx.view(uid)
        sides = {s.side for s in view.sides if claim.part and _same_part(s.part, claim.part)}
        if claim.part and lang == "en" and re.search(rf"\b(?:both|bilateral|bilaterally)\b[\w\s]{{0,20}}"
                                                     rf"\b{re.escape(claim.part)}", view.text):
            sides.add("bilateral")
        if {"left", "right"} <= sides or {"左", "右"} <= sides:
            sides.add("bilateral" if lang == "en" else "双")
        for side in sides:
            found.setdefault(side, []).append(uid)
    return found


def judge_sides(claims: Sequence[SideClaim], idx: TranscriptIndex, context: set[str],
                near: set[str] = frozenset(), units: Sequence[str] = ()) -> list[Finding]:
    """Is each side of the body the one the visit names for that part?

    When the visit names several sides for a part, the mention whose surrounding words best match the sentence
    (``units``) decides; otherwise what is said near the sentence's evidence, then anywhere in the visit.
    """
    lang = idx.language
    both = "bilateral" if lang == "en" else "双"
    out = []
    for claim in claims:
        if not claim.part:
            out.append(_side_by_words(claim, idx, near or context))
            continue
        found = _sides_for(claim, idx, idx.order(near)) or _sides_for(claim, idx, [v.id for v in idx.views])
        best = _best_mention(claim, idx, units) if claim.side != both else None
        if best is not None and best[0] != claim.side:
            out.append(_side_conflict(claim, best[0], best[1], lang))
        elif claim.side in found:
            out.append(Finding("ok", evidence=prefer(found[claim.side], context)))
        elif not found:
            out.append(_side_by_words(claim, idx, near or context))
        elif claim.side == both and len(found) == 1:
            out.append(Finding("weak"))  # one side named, "bilateral" never said of it: too weak to flag
        else:
            said = both if both in found else next(iter(found))
            out.append(_side_conflict(claim, said, found[said][0], lang))
    return out


def _side_conflict(claim: SideClaim, said: str, uid: str, lang: str) -> Finding:
    return Finding("contradicted", "laterality", reason(
        "laterality", lang, ids=(uid,), claim=_side_text(claim, lang),
        said=_side_text(SideClaim(said, claim.part, 0, 0), lang)), (uid,))


def _best_mention(claim: SideClaim, idx: TranscriptIndex, units: Sequence[str]) -> tuple[str, str] | None:
    """The side of the mention of this part whose surrounding words share the most with the sentence, when it
    beats every mention of the claimed side: (side, utterance id); else None."""
    wanted = set(units) - set(content_units(f"{claim.part} left right bilateral", idx.language)) - {claim.part}
    scored = []
    for view in idx.views:
        for s in view.sides:
            if not _same_part(s.part, claim.part):
                continue
            window = view.text[max(0, s.start - 60):s.end + 60]
            shared = wanted & set(content_units(window, idx.language))
            scored.append((sum(idx.idf.get(u, 0.0) for u in shared), len(shared), s.side, view.id))
    if not scored:
        return None
    top = max(scored)
    own = max((score for score, _, side, _ in scored if side == claim.side), default=0.0)
    if top[0] > 0 and top[1] < 2:  # one shared word ("shows" / "show me the x-rays") is chance: the side said most
        said = Counter(side for _, _, side, _ in scored)  # for this part decides
        side, count = said.most_common(1)[0]
        if side != claim.side and count > said[claim.side]:
            return side, next(uid for _, _, s, uid in sorted(scored, reverse=True) if s == side)
        return None
    if top[0] > 0 and top[0] > own + 1e-9 and top[2] != claim.side:
        return top[2], top[3]
    return None


def _side_by_words(claim: SideClaim, idx: TranscriptIndex, context: set[str]) -> Finding:
    lang = idx.language
    if claim.side in ("bilateral", "双"):
        local_text = " ".join(idx.view(i).text for i in idx.order(context))
        return Finding("ok" if _BOTH[lang].search(local_text) else "weak")
    words = _SIDE_WORDS[lang]
    local = [(i, _said_sides(words, idx.view(i).text)) for i in idx.order(context)]
    agreeing = [i for i, sides in local if claim.side in sides]
    if agreeing:
        return Finding("ok", evidence=tuple(agreeing[:2]))
    opposite = [i for i, sides in local if _OPPOSITE.get(claim.side) in sides]
    if opposite:
        return Finding("contradicted", "laterality", reason(
            "laterality", lang, ids=opposite[:1], claim=_side_text(claim, lang),
            said=_side_text(SideClaim(_OPPOSITE[claim.side], claim.part, 0, 0), lang)), tuple(opposite[:1]))
    anywhere = [v.id for v in idx.views if claim.side in _said_sides(words, v.text)]
    if anywhere:
        return Finding("weak", evidence=tuple(anywhere[:1]))
    return Finding("unsupported", "laterality", reason("laterality_unsaid", lang, claim=_side_text(claim, lang)))


def _said_sides(pattern: re.Pattern, text: str) -> set[str]:
    """The sides a text names, without those it says are not affected ("just on the right side, not on the left
    side", "not so much on my left side")."""
    return {g for m in pattern.finditer(text) for g in m.groups()
            if g and not _NOT_SIDE.search(text[max(0, m.start() - 30):m.start()])}


_NOT_SIDE = re.compile(r"(?:\bnot|\bno|\bnever|n't)(?:\s+\w+){0,2}\s*$")


def _same_part(a: str, b: str) -> bool:
    return a == b or (len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a)))


def _side_text(s: SideClaim, language: str) -> str:
    if language == "zh":
        return f"{s.side}{s.part}"
    return f"{s.side} {s.part}".strip()
