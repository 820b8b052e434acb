"""Each claim of a record sentence held against the transcript. This module holds the findings and the checks of
terms (mentioned? with the same polarity?) and drug-like names; :mod:`summarizer.support_judge_numbers` checks
numbers and :mod:`summarizer.support_judge_sides` sides of the body.

Every check returns :class:`Finding` values; :mod:`summarizer.support` turns them into a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from summarizer.support_index import ItemStatus, TranscriptIndex
from summarizer.support_reasons import reason
from summarizer.support_text import GENERIC_DRUGS, POLAR_KINDS, TermClaim, polarity_at, term_claims

__all__ = ["Finding", "prefer", "judge_terms", "judge_druglike"]


@dataclass(frozen=True)
class Finding:
    """What one claim of a sentence found.

    Attributes:
        status: ``ok`` (said), ``weak`` (said, but not near what the sentence ties it to), ``unsupported`` or
            ``contradicted``.
        code: What a flag is about (see :data:`summarizer.support_reasons.CODES`), ``""`` when ok.
        reason: The reason text of a flag.
        evidence: Utterance ids that support the claim, or that a flag quotes.
    """

    status: str
    code: str = ""
    reason: str = ""
    evidence: tuple[str, ...] = ()


def prefer(ids: Sequence[str], preferred: set[str], limit: int = 2) -> tuple[str, ...]:
    """At most ``limit`` ids, the preferred ones first."""
    ranked = [i for i in ids if i in preferred] + [i for i in ids if i not in preferred]
    return tuple(dict.fromkeys(ranked))[:limit]


def judge_terms(claims: Sequence[TermClaim], idx: TranscriptIndex, context: set[str],
                near: set[str] = frozenset(), sentence: str = "") -> list[Finding]:
    """Is each term said in the visit, and with the polarity the sentence gives it?

    Args:
        claims: The sentence's terms.
        idx: The transcript.
        context: The sentence's context ids.
        near: The cited ids and the utterances of most similar wording, with their neighbours: where the term was
            said there decides, when it was said both ways in the visit.
        sentence: The normalized sentence: when an utterance says a term both ways, the mention whose neighbouring
            words the sentence shares decides how that utterance reads.
    """
    lang = idx.language
    out = []
    for claim in claims:
        ids = idx.mentioned(claim.item, claim.surface)
        status = idx.status.get(claim.item)
        if not ids:
            ids = idx.loosely_mentioned(claim.item, claim.surface)
            status = idx.loose_status(claim.item, claim.surface) if ids else None
        elif status is None or not (status.pos or status.neg or status.stated):
            # only asked about in the vocabulary's words, perhaps answered in others (睡眠质量怎么样？ 睡眠还好)
            loose = idx.loose_status(claim.item, claim.surface)
            if loose.pos or loose.neg:
                status = _merged(status, loose)
                ids = idx.order(ids + loose.pos + loose.neg)
        if not ids and claim.kind == "drug" and claim.item in GENERIC_DRUGS:
            ids = [v.id for v in idx.views if v.items & idx.vocab.items("drug")][:2]
            if ids:
                out.append(Finding("weak", evidence=tuple(ids)))
                continue
        if not ids:
            if claim.kind == "drug":
                out.append(_unknown_drug(claim.surface, idx, context))
            else:
                out.append(Finding("unsupported", "unmentioned",
                                   reason("unmentioned", lang, item=claim.surface.strip())))
            continue
        if claim.kind in POLAR_KINDS and claim.polarity in ("present", "absent") and status is not None:
            present = claim.polarity == "present"
            said = status.pos + status.stated  # a doctor naming a condition or a sign states it
            same = said if present else status.neg
            # an absence is not contradicted by a doctor's question that lacks its question mark ("any chest pain
            # or shortness of breath", in a transcript without punctuation)
            other = status.neg if present else status.pos + [i for i in status.stated
                                                             if not _doctor_asks(idx, i, claim, status)]
            # the two readers disagree on an utterance ("no cva tenderness": the sentence's reader negates the
            # clause, the fact reader only the word after "no"): where the sentence's own reader reads the
            # utterance as the sentence says it, that utterance does not contradict the sentence
            other = [i for i in other if not _reads_as(idx, i, claim, sentence)]
            same, other = _by_asserter(same, other, status, sentence, lang)
            if same and other and (set(same) | set(other)) & near:
                same, other = [i for i in same if i in near], [i for i in other if i in near]
            if not same and other:
                quoted = prefer(other, context)
                who = status.roles.get(quoted[0], "")
                key = "negation_denied" if present else "negation_reported"
                out.append(Finding("contradicted", "negation",
                                   reason(key, lang, who=who, ids=quoted, item=claim.surface.strip()), quoted))
                continue
            if same:
                out.append(Finding("ok", evidence=prefer(same, context)))
                continue
            if not other and status.asked and (present if lang == "en" else not present) and \
                    set(ids) <= set(status.asked) | _answers(idx, status.asked):
                # only ever asked about ("any fever or chills?", 有没有恶心？), and no answer says yes or no; a
                # Chinese question often presupposes what it asks about (咳嗽是连声咳吗), so there it counts for a
                # presence, never for an absence
                quoted = prefer(status.asked, context)
                key = "unconfirmed" if present else "unconfirmed_absent"
                out.append(Finding("unsupported", "unconfirmed",
                                   reason(key, lang, ids=quoted, item=claim.surface.strip()), quoted))
                continue
        out.append(Finding("ok", evidence=prefer(ids, context)))
    return out


def _merged(status: ItemStatus | None, loose: ItemStatus) -> ItemStatus:
    if status is None:
        return loose
    return ItemStatus(status.pos + loose.pos, status.neg + loose.neg, status.stated + loose.stated,
                      status.asked + loose.asked, {**loose.roles, **status.roles})


def _by_asserter(same: list[str], other: list[str], status: ItemStatus, sentence: str,
                 lang: str) -> tuple[list[str], list[str]]:
    """When a term was said both ways and the sentence names who says it (患者无胸痛, 医生认为无心肌炎, "the patient
    denies"), only that side's yes and no decide: the patient's denial is not overruled by the doctor's suspicion.
    A doctor naming a condition (``stated``) still backs a history of it."""
    who = _asserter(sentence, lang)
    if not who or not same or not other:
        return same, other
    sides = {"patient": ("patient", "other"), "doctor": ("doctor",)}[who]
    mine = ([i for i in same if status.roles.get(i) in sides or i in status.stated],
            [i for i in other if status.roles.get(i) in sides])
    return mine if any(mine) else (same, other)


def _asserter(sentence: str, lang: str) -> str:
    for who, pattern in _ASSERTERS[lang]:
        if pattern.search(sentence):
            return who
    return ""


_ASSERTERS = {
    "zh": (("doctor", re.compile(r"^(?:医生|医师|大夫)(?:认为|考虑|诊断|判断|觉得)")),
           ("patient", re.compile(r"^(?:患者|病人|患儿|家属)(?!.*(?:医生|医师|大夫))"))),
    "en": (("doctor", re.compile(r"^(?:the )?(?:doctor|physician|provider)\b")),
           ("patient", re.compile(r"^(?:the )?patient (?:reports|denies|states|endorses|notes|complains|has|had|"
                                    r"describes|says|admits|is)\b"))),
}


def _reads_as(idx: TranscriptIndex, uid: str, claim: TermClaim, sentence: str = "") -> bool:
    """Whether utterance ``uid``, read the way a record sentence is read, says the claim's term only with the claim's
    polarity: a negation right before it (at most five words: "no cva tenderness", "i don't appreciate any lymph
    lymphadenopathy") or a hedge ("might develop tenderness") for an absence, no negation in its clause for a
    presence. When the utterance says the term
    both ways, the mentions that share the most neighbouring words with the sentence decide ("some tenderness over
    the lateral malleolus … no bony tenderness on palpation of the foot")."""
    view = idx.view(uid)
    if view is None:
        return False
    reads = []
    for c in term_claims(view.text, idx.language, idx.vocab):
        if c.item != claim.item:
            continue
        asked = polarity_at(view.text, c.start, c.end, idx.language, view.role)
        read = asked if asked == "asked" or c.polarity == "present" else c.polarity
        if read == "present" and idx.language.startswith("zh") and _ZH_NEG.search(
                view.text, max(0, c.start - 8), c.end + 6):
            read = "far"  # 喝酒抽烟都没有, 无高血压,甲亢: a negation over a list, which this reader does not see
        if read in ("absent", "uncertain") and c.cue:
            at = view.text.rfind(c.cue, 0, c.start)
            between = view.text[at + len(c.cue):c.start] if at >= 0 else view.text[:c.start]
            if idx.language.startswith("zh"):  # 没有别的病就是房颤: only a negation right before the term counts
                far = read == "uncertain" or len(between) > 4 or re.search(r"[,，。;]|是|但|就", between)
            else:
                far = len(between.split()) > 5 or _EN_BREAKS_SCOPE.search(between)
            if far:
                read = "far"
        reads.append((read, _shared(view.text, c.start, c.end, sentence, claim, idx.language)))
    if len({r for r, _ in reads}) > 1 and sentence:
        best = max(n for _, n in reads)
        reads = [(r, n) for r, n in reads if n == best] if best else reads
    said = {r for r, _ in reads}
    if claim.polarity == "absent":  # a hedged or conditional mention ("might develop tenderness") denies nothing
        return bool(said) and said <= {"absent", "uncertain"}
    return said == {claim.polarity}


def _neighbours(text: str, start: int, end: int, language: str) -> set[str]:
    if language.startswith("zh"):
        return {ch for ch in text[max(0, start - 6):start] + text[end:end + 6] if "\u4e00" <= ch <= "\u9fff"}
    words = text[:start].split()[-6:] + text[end:].split()[:6]
    return {w.strip(",.;:!?") for w in words if len(w.strip(",.;:!?")) >= 4}


def _shared(text: str, start: int, end: int, sentence: str, claim: TermClaim, language: str) -> int:
    if not sentence:
        return 0
    return len(_neighbours(text, start, end, language) & _neighbours(sentence, claim.start, claim.end, language))


_ZH_NEG = re.compile(r"没|无|不|否|未|非")
_EN_BREAKS_SCOPE = re.compile(r"\b(?:but|just|only|except|though|although|yet|i|it|that)\b|[.;]")


_EN_ASKING = re.compile(r"(?:(?:^|[.?!]\s*|\b(?:and|so|okay|alright|now|yeah|yes|well|um|uh|then|also)\s+)(?:any|"
                        r"have you|do you|did you|are you|is there|how about|what about|were you|was there|has there|"
                        r"does it|does that)|\b(?:have you had|have you been having|have you noticed|have you ever had|"
                        r"did you notice|are you having))\b[^.?!]*$")


def _answers(idx: TranscriptIndex, asked: Sequence[str]) -> set[str]:
    """The utterance after each question (its answer may repeat the term)."""
    return {idx.views[idx.position[i] + 1].id for i in asked if idx.position[i] + 1 < len(idx.views)}


def _doctor_asks(idx: TranscriptIndex, uid: str, claim: TermClaim, status) -> bool:
    """Whether the doctor's mention of a term in utterance ``uid`` sits in an unmarked question (``any X``)."""
    view = idx.view(uid)
    if view is None or status.roles.get(uid) != "doctor" or idx.language != "en":
        return False
    names = [n for n, t in idx.vocab.surfaces.items() if t.item == claim.item] + [claim.surface.lower()]
    positions = [m.start() for n in names if n for m in re.finditer(rf"\b{re.escape(n)}\b", view.text)]
    return bool(positions) and all(_EN_ASKING.search(view.text[max(0, p - 80):p]) for p in positions)


def _unknown_drug(name: str, idx: TranscriptIndex, context: set[str]) -> Finding:
    """A drug the visit never names; the reason quotes a drug said near the sentence's evidence, if any."""
    said = []
    for uid in idx.order(context):
        view = idx.view(uid)
        for item in sorted(view.items):
            if item in idx.vocab.items("drug") and item not in [s for s, _ in said]:
                said.append((item, uid))
    if said:
        return Finding("unsupported", "drug", reason("drug_other", idx.language, ids=(said[0][1],), item=name.strip(),
                                                     said=said[0][0]), (said[0][1],))
    return Finding("unsupported", "drug", reason("drug", idx.language, item=name.strip()))


def judge_druglike(names: Sequence[tuple[str, int, int]], idx: TranscriptIndex, context: set[str]) -> list[Finding]:
    """Is each drug-shaped name outside the vocabulary said in the visit?"""
    out = []
    for name, _, _ in names:
        ids = idx.druglike_said(name)
        out.append(Finding("ok", evidence=prefer(ids, context)) if ids else _unknown_drug(name, idx, context))
    return out
