"""Facts of a visit, read from the role-labelled transcript without a model (Chinese and English).

A :class:`Fact` says what was stated (a symptom, a drug, a result...), whether it is present, absent or uncertain,
who stated it, and which utterances say so. Extraction is rule-based: small vocabularies (``resources/vocab``) and
cue patterns (:mod:`summarizer.fact_rules`) for negation, hedging, questions and answers, numbers and units.

Conventions of ``Fact.detail`` beyond free text:

- an ``uncertain`` fact's detail says why: ``asked`` (a question nobody answered), ``conditional`` (named in an
  if-clause or a warning), ``mentioned`` (named by the doctor without saying the patient has it), ``hedged``
  (可能/好像/maybe), ``past`` (denied only for an earlier time: 昨天还没拉稀);
- an ``exam`` fact the doctor orders has detail ``ordered`` (``followup`` facts hold re-checks);
- a ``medication`` detail joins route, purpose and ``照常服用``/``继续服用``/``禁用``/``停用`` (``continue``/
  ``avoid``/``stop``); an ``allergy`` detail is the reaction; a ``finding`` detail is the body site and its
  ``value`` the amount (``少量``); an ``advice`` fact for a warning sign has the condition as detail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Sequence

from diarization.types import Utterance
from summarizer.fact_attributes import attach_all
from summarizer.fact_context import read_context
from summarizer.fact_rules import Rules, reply_polarity, rules_for
from summarizer.fact_scan import Mention, Scan, normalize_text, scan_utterance
from summarizer.vocab import Vocabulary, load_vocabulary

__all__ = ["KINDS", "STATUSES", "UNCERTAIN_REASONS", "Fact", "extract_facts", "merge_facts"]

log = logging.getLogger(__name__)

KINDS = ("symptom", "finding", "history", "allergy", "medication", "exam", "vital", "diagnosis", "advice",
         "followup", "habit")
STATUSES = ("present", "absent", "uncertain")
UNCERTAIN_REASONS = ("asked", "conditional", "mentioned", "hedged", "past")
_MARKERS = (*UNCERTAIN_REASONS, "ordered")
_RELATED = {"体温": "发热", "temperature": "fever"}


@dataclass(frozen=True)
class Fact:
    """One statement of the visit.

    Attributes:
        kind: ``symptom`` | ``finding`` | ``history`` | ``allergy`` | ``medication`` | ``exam`` | ``vital`` |
            ``diagnosis`` | ``advice`` | ``followup`` | ``habit``.
        item: Normalized name (``咳嗽``, ``阿奇霉素``, ``体温``, ``血常规-白细胞``).
        status: ``present`` | ``absent`` | ``uncertain``.
        asserted_by: Role of the speaker who asserted it: ``doctor`` | ``patient`` | ``other``.
        utterance_ids: Where it was said (a question and its answer both).
        value: Number with unit (``38.6℃``, ``135/85mmHg``, ``12.5``), dose (``0.5克``), amount.
        duration: ``3天``, ``5年``, ``3 days``.
        frequency: ``每天一次``, ``qd``, ``twice a day``, ``偶尔``.
        laterality: ``左`` | ``右`` | ``双`` | ``left`` | ``right`` | ``bilateral``.
        detail: Free text; see the module docstring for the conventions.
    """

    kind: str
    item: str
    status: str
    asserted_by: str
    utterance_ids: tuple[str, ...]
    value: str = ""
    duration: str = ""
    frequency: str = ""
    laterality: str = ""
    detail: str = ""


def _fact_kind(vocab_kind: str, role: str, m: Mention | None = None) -> str | None:
    if vocab_kind == "condition":
        return "diagnosis" if role == "doctor" else "history"
    if vocab_kind == "procedure":
        return "advice" if role == "doctor" and m is not None and m.flag == "ordered" else "history"
    return {"symptom": "symptom", "drug": "medication", "exam": "exam", "finding": "finding", "habit": "habit",
            "allergy": "allergy", "advice": "advice"}.get(vocab_kind)


def _fact(kind: str, m: Mention, status: str, role: str, ids: tuple[str, ...], detail: str | None = None) -> Fact:
    a = m.attrs
    return Fact(kind, m.item, status, role, ids, a.get("value", ""), a.get("duration", ""), a.get("frequency", ""),
                a.get("laterality", ""), a.get("detail", "") if detail is None else detail)


def _doctor_statement(m: Mention, uid: str) -> Fact | None:
    if m.kind == "condition":
        if m.dx:
            return _fact("diagnosis", m, m.dx, "doctor", (uid,),
                         "hedged" if m.dx == "uncertain" and not m.attrs.get("detail") else None)
        if m.status == "absent":
            return _fact("diagnosis", m, "absent", "doctor", (uid,))
        return _fact("diagnosis", m, "uncertain", "doctor", (uid,), m.flag or "mentioned")
    if m.kind in ("symptom", "habit"):
        if m.status == "absent":
            return _fact(m.kind, m, "absent", "doctor", (uid,))
        return _fact(m.kind, m, "uncertain", "doctor", (uid,), m.flag or "mentioned")
    if m.kind == "procedure":
        kind = "advice" if m.flag == "ordered" else "history"
        return _fact(kind, m, m.status, "doctor", (uid,))
    kind = _fact_kind(m.kind, "doctor", m)
    if kind is None:
        return None
    if m.kind == "exam" and m.flag == "ordered":
        return _fact("exam", m, "present", "doctor", (uid,), "ordered")
    return _fact(kind, m, m.status, "doctor", (uid,), m.flag if m.status == "uncertain" else None)


def _facts_of(scan: Scan, u: Utterance) -> tuple[list[Fact], list[Mention], list[Mention], bool]:
    """Facts of one utterance, plus what a doctor asked: (facts, asked, presupposed items, asked how long)."""
    facts, asked, presupposed, how_long = [], [], [], False
    role = u.role if u.role in ("doctor", "patient", "other") else "other"
    last = max((i for i, s in enumerate(scan.sentences) if s.question), default=-1)
    for m in scan.mentions:
        if m.used:
            continue
        sentence = scan.sentences[m.sentence]
        if role == "doctor" and sentence.question and m.flag != "conditional":
            if sentence.value_question and not m.ask:
                presupposed.append(m)
                how_long = how_long or sentence.duration_question
            else:
                m.attrs["last_question"] = m.sentence == last
                asked.append(m)
            continue
        if m.status == "uncertain" and m.flag == "conditional":
            kind = _fact_kind(m.kind, role, m)
            if kind and m.kind != "advice":
                facts.append(_fact(kind, m, "uncertain", role, (u.id,), "conditional"))
            continue
        if role == "doctor":
            fact = _doctor_statement(m, u.id)
        elif m.kind == "advice":
            fact = None
        elif sentence.question and (m.ask or m.kind == "drug"):  # 这个药能吃吗: asks, does not say it is taken
            fact = _fact(_fact_kind(m.kind, role, m), m, "uncertain", role, (u.id,), "asked")
        else:
            kind = _fact_kind(m.kind, role, m)
            fact = _fact(kind, m, m.status, role, (u.id,), m.flag if m.status == "uncertain" else None)
        if fact is not None:
            facts.append(fact)
    for extra in scan.extra:
        facts.append(Fact(extra["kind"], extra["item"], extra["status"], role, (u.id,), extra.get("value", ""),
                          extra.get("duration", ""), "", "", extra.get("detail", "")))
    return facts, asked, presupposed, how_long


def _cite(facts: list[Fact], qid: str, kind: str) -> list[Fact]:
    """Add the question to the evidence of the answer's facts of one kind."""
    return [replace(f, utterance_ids=(qid, *f.utterance_ids)) if f.kind == kind and qid not in f.utterance_ids
            else f for f in facts]


def _resolve(question: tuple, answer: Utterance, scan: Scan, facts: list[Fact],
             rules: Rules) -> tuple[list[Fact], list[Fact]]:
    """Pair a doctor's question with the next utterance of the patient (or a companion): (facts, those of them
    that a yes-shaped reply alone made present)."""
    qid, asked, presupposed, how_long = question
    role = answer.role if answer.role in ("patient", "other") else "other"
    polarity = reply_polarity(normalize_text(answer.text, rules.language), rules)
    out = list(facts)
    inferred: list[Fact] = []
    for m in asked + presupposed:
        same = [i for i, f in enumerate(out)
                if m.item in (f.item, _RELATED.get(f.item)) and qid not in f.utterance_ids]
        for i in same:
            out[i] = replace(out[i], utterance_ids=(qid, *out[i].utterance_ids))
        if same:
            continue
        kind = _fact_kind(m.kind, role, m)
        if kind is None:
            continue
        if kind == "allergy" and any(f.kind == "allergy" for f in facts):  # "any allergies?" "no drug allergies"
            out = _cite(out, qid, kind)
            continue
        if m in presupposed:
            if how_long and scan.leftover_durations:
                m.attrs["duration"] = scan.leftover_durations[0]
                out.append(_fact(kind, m, "present", role, (qid, answer.id)))
            continue
        if m.attrs.get("absent_form") and not polarity and rules.answer_fine is not None and \
                rules.answer_fine.search(normalize_text(answer.text, rules.language).strip()):
            polarity = "present"  # the normal state asked about is confirmed (睡眠正常吗？ 正常)
        flipped = polarity
        if m.attrs.get("absent_form"):  # asked about the normal state (睡眠好吗？ 不好): a "no" reports the complaint,
            # when the reply can only be to that question (not to a later one in the same turn)
            flipped = {"absent": "present", "present": "absent"}.get(polarity, polarity) \
                if m.attrs.get("last_question") else ""
        if flipped == "absent":
            out.append(_fact(kind, m, "absent", role, (qid, answer.id), ""))
        elif flipped == "present":
            if scan.leftover_durations:
                m.attrs["duration"] = scan.leftover_durations[0]
            out.append(_fact(kind, m, "present", role, (qid, answer.id), ""))
            inferred.append(out[-1])
        elif polarity == "uncertain":
            out.append(_fact(kind, m, "uncertain", role, (qid, answer.id), "hedged"))
        elif any(f.kind == kind for f in facts):  # answered with other items of the same kind
            out = _cite(out, qid, kind)
        else:
            out.append(_fact(kind, m, "uncertain", "doctor", (qid,), "asked"))
    return out, inferred


def _negation_wins(facts: list[Fact], inferred: list[Fact], turn: dict[str, int]) -> list[Fact]:
    """Drop what a yes-shaped reply alone made present when the same speaker, before the doctor speaks again,
    says outright that it is absent (医生: 有发热过吗？ 患者: 有三天 / 没发烧: the 有三天 answered another question)."""
    denied = {(f.item, f.asserted_by, turn.get(f.utterance_ids[-1])) for f in facts
              if f.status == "absent" and f.utterance_ids}
    dropped = [f for f in inferred if (f.item, f.asserted_by, turn.get(f.utterance_ids[-1])) in denied]
    return [f for f in facts if not any(f is d for d in dropped)]


def _how_long_earlier(earlier: list[tuple], answer: Utterance, scan: Scan, facts: list[Fact]) -> list[Fact]:
    """A duration in the reply answers the doctor's latest how-long question of the same turn when a yes/no question
    followed it (医生: 咳嗽有几天了？ 有发热过吗？ 患者: 有三天): the item it presupposes is present, for that long."""
    if not earlier or not scan.leftover_durations:
        return []
    qid, _, presupposed, _ = earlier[-1]
    role = answer.role if answer.role in ("patient", "other") else "other"
    out = []
    for m in presupposed:
        kind = _fact_kind(m.kind, role, m)
        if kind is None or any(m.item in (f.item, _RELATED.get(f.item)) for f in facts):
            continue
        m.attrs["duration"] = scan.leftover_durations[0]
        out.append(_fact(kind, m, "present", role, (qid, answer.id)))
    return out


def _unanswered(question: tuple) -> list[Fact]:
    qid, asked, _, _ = question
    return [_fact(_fact_kind(m.kind, "patient", m), m, "uncertain", "doctor", (qid,), "asked")
            for m in asked if _fact_kind(m.kind, "patient", m)]


def _compatible(a: Fact, b: Fact) -> bool:
    return all(not x or not y or x == y for x, y in ((a.value, b.value), (a.duration, b.duration),
                                                      (a.frequency, b.frequency), (a.laterality, b.laterality)))


def merge_facts(facts: Sequence[Fact]) -> tuple[Fact, ...]:
    """Merge repeats of one statement (same kind, item, status, speaker role, compatible values).

    Utterance ids are united; empty fields are filled from the repeat; details are joined. Order follows the
    first mention.
    """
    merged: list[Fact] = []
    for fact in facts:
        for i, seen in enumerate(merged):
            if (seen.kind, seen.item, seen.status, seen.asserted_by) == \
                    (fact.kind, fact.item, fact.status, fact.asserted_by) and _compatible(seen, fact) and \
                    (seen.detail == fact.detail or (seen.detail not in _MARKERS and fact.detail not in _MARKERS)):
                ids = tuple(dict.fromkeys(seen.utterance_ids + fact.utterance_ids))
                details = [d for d in dict.fromkeys((seen.detail, fact.detail)) if d]
                merged[i] = replace(seen, utterance_ids=ids, value=seen.value or fact.value,
                                    duration=seen.duration or fact.duration, frequency=seen.frequency or fact.frequency,
                                    laterality=seen.laterality or fact.laterality,
                                    detail=details[0] if len(details) == 1 else "，".join(details)
                                    if fact.item and _is_zh(fact.item) else ", ".join(details))
                break
        else:
            merged.append(fact)
    return tuple(merged)


def _is_zh(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def extract_facts(utterances: Sequence[Utterance], language: str = "zh", *,
                  vocabulary: Vocabulary | None = None) -> tuple[Fact, ...]:
    """Facts stated in a visit.

    Args:
        utterances: Role-labelled utterances in time order (a ``LabelledTranscript``'s ``utterances``).
        language: ``zh`` or ``en``.
        vocabulary: Terms to look for; the bundled vocabulary of the language by default.

    Returns:
        Facts in order of first mention, repeats merged (:func:`merge_facts`).
    """
    rules = rules_for(language)
    vocab = vocabulary or load_vocabulary(rules.language)
    facts, inferred = [], []
    turn: dict[str, int] = {}  # utterance id → how many of the doctor's utterances came up to it
    doctor_turns = 0
    question: tuple | None = None
    earlier: list[tuple] = []  # how-long questions of the doctor's turn that a later question left unanswered
    for u in utterances:
        if not u.text or not u.text.strip():
            continue
        doctor_turns = turn[u.id] = doctor_turns + (u.role == "doctor")
        scan = scan_utterance(u.text, vocab, rules)
        read_context(scan, u.role, rules)
        attach_all(scan, u.role, rules)
        own, asked, presupposed, how_long = _facts_of(scan, u)
        if u.role == "doctor":
            if question is not None:
                facts.extend(_unanswered(question))
                if question[3] and question[2]:
                    earlier.append(question)
            question = (u.id, asked, presupposed, how_long) if asked or presupposed else None
            facts.extend(own)
        else:
            if question is not None and not question[3]:
                own += _how_long_earlier(earlier, u, scan, own)
            if question is not None:
                own, yes = _resolve(question, u, scan, own, rules)
                inferred.extend(yes)
                question = None
            earlier = []
            facts.extend(own)
    if question is not None:
        facts.extend(_unanswered(question))
    result = merge_facts(_negation_wins(facts, inferred, turn))
    log.debug("extracted %d facts from %d utterances", len(result), len(utterances))
    return result
