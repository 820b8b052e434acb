"""A visit's transcript read once for support checks: per utterance its terms, numbers, sides of the body and
wording; per concept where it was said present, absent or only asked about (from :func:`extract_facts`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from diarization.types import Utterance
from summarizer.fact_rules import Rules, reply_polarity, rules_for
from summarizer.facts import Fact, extract_facts
from summarizer.support_numbers import Quantity, find_numbers
from summarizer.support_scores import scale_answers, score_keys
from summarizer.support_text import SideClaim, druglike_names, normalize, polarity_at, side_mentions
from summarizer.support_words import (compound_key, content_units, flexible_pattern, keys_near, loose_span, stem_span,
                                      word_keys)
from summarizer.vocab import Term, Vocabulary, load_vocabulary

__all__ = ["UtteranceView", "ItemStatus", "TranscriptIndex", "index_transcript"]

_NO_TERM = Term("", "")


@dataclass(frozen=True)
class UtteranceView:
    """One utterance as the checks read it (text normalized: NFKC, English lower-cased)."""

    id: str
    role: str
    text: str
    numbers: tuple[Quantity, ...]
    sides: tuple[SideClaim, ...]
    items: frozenset[str]
    units: frozenset[str]
    keys: tuple[str, ...] = ()
    scores: frozenset = frozenset()


@dataclass
class ItemStatus:
    """Where one concept was said: stated present (``pos``), stated absent (``neg``), named in a statement that
    does not say the patient has it (``stated``: the doctor's mention, a hedge), only asked about or named in an
    if-clause (``asked``); ``roles`` is who stated it, by utterance id."""

    pos: list[str] = field(default_factory=list)
    neg: list[str] = field(default_factory=list)
    stated: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)


@dataclass
class TranscriptIndex:
    """Everything a support check needs to know about one transcript."""

    language: str
    vocab: Vocabulary
    views: tuple[UtteranceView, ...]
    position: dict[str, int]
    mentions: dict[str, list[str]]
    status: dict[str, ItemStatus]
    joined: str
    idf: dict[str, float]
    utterances: tuple[Utterance, ...] = ()

    def view(self, uid: str) -> UtteranceView | None:
        """The utterance with this id, or None."""
        i = self.position.get(uid)
        return None if i is None else self.views[i]

    def order(self, ids: Iterable[str]) -> list[str]:
        """Known ids in time order, without repeats."""
        return sorted({i for i in ids if i in self.position}, key=self.position.__getitem__)

    def around(self, ids: Iterable[str], before: int = 1, after: int = 2) -> list[str]:
        """The ids with their neighbours (a question before, the answers after)."""
        out = set()
        for uid in ids:
            i = self.position.get(uid)
            if i is None:
                continue
            out.update(v.id for v in self.views[max(0, i - before):i + after + 1])
        return self.order(out)

    def mentioned(self, item: str, surface: str = "") -> list[str]:
        """Ids of the utterances that name a concept (by any of its surfaces, or the sentence's own words)."""
        ids = list(self.mentions.get(item, ()))
        status = self.status.get(item)
        if status is not None:
            ids += status.pos + status.neg + status.stated + status.asked
        if not ids and surface and len(surface) >= 2:
            ids = [v.id for v in self.views if surface.lower() in v.text]
        if not ids and self.language == "zh":  # named inside a longer term (超声 in 心脏超声)
            names = {n for n, t in self.vocab.surfaces.items() if t.item == item and not t.absent} | {item}
            names = {n for n in names if len(n) >= 2}
            ids = [v.id for v in self.views if any(n in v.text for n in names)]
        return self.order(ids)

    def loosely_mentioned(self, item: str, surface: str = "") -> list[str]:
        """Ids of utterances that say a compound term in other words: every part of one of its names, each part
        or an equivalent (``elbow pain``: "my elbow hurts"; ``腰痛``: "腰有点疼") in one utterance."""
        names = _longest_first({n for n, t in self.vocab.surfaces.items() if t.item == item}
                               | {item.lower(), surface.lower()})
        keys = [k for k in (compound_key(n, self.language) for n in names if n) if k]
        stems = self._stems(names)
        flexible = self._flexible(names)
        if not keys and not stems and not flexible:
            return []
        window = 7 if self.language == "zh" else 6
        return [v.id for v in self.views if any(keys_near(v.keys, k, window) for k in keys)
                or (stems and any(w[:5] in v.text for w in stems) and stem_span(v.text, stems))
                or any(p.search(v.text) for p, _ in flexible)]

    def _flexible(self, names: Iterable[str]) -> list[tuple[re.Pattern, bool]]:
        """Chinese names said with degree words inside (:func:`summarizer.support_words.flexible_pattern`), each
        with whether the name states absence (``!睡眠好``)."""
        out = []
        for name in names:
            pattern = flexible_pattern(name, self.language) if name else None
            if pattern is not None:
                out.append((pattern, self.vocab.surfaces.get(name, _NO_TERM).absent))
        return out

    def _stems(self, names: Iterable[str]) -> set[str]:
        """English one-word names of five letters or more, whose other forms count as said (``palpitations``:
        "palpitating"; :func:`summarizer.support_words.stem_span`)."""
        if self.language != "en" or any(self.vocab.surfaces.get(n.lower(), _NO_TERM).kind == "drug" for n in names):
            return set()  # drug names share stems across drugs (hydrocodone, hydrochlorothiazide)
        return {n.lower() for n in names if re.fullmatch(r"[a-z]{5,}", n.lower())}

    def loose_status(self, item: str, surface: str = "") -> ItemStatus:
        """Where a compound term said in other words was stated present, absent or asked about (read from the
        words around it, since fact extraction only knows the vocabulary's forms)."""
        names = _longest_first({n for n, t in self.vocab.surfaces.items() if t.item == item}
                               | {item.lower(), surface.lower()})
        keys = [(k, self.vocab.surfaces.get(n, _NO_TERM).absent)
                for n, k in ((n, compound_key(n, self.language)) for n in names if n) if k]
        window = 7 if self.language == "zh" else 6
        status = ItemStatus()
        stems = self._stems(names)
        flexible = self._flexible(names)
        for uid in self.loosely_mentioned(item, surface):
            view = self.view(uid)
            # "sleeping well" is the absent form of poor sleep
            span, absent = next(((s, a) for s, a in ((loose_span(view.text, k, self.language, window), a)
                                                     for k, a in keys) if s), (stem_span(view.text, stems), False))
            if span is None:
                found = next(((m, a) for m, a in ((p.search(view.text), a) for p, a in flexible) if m), None)
                if found is None:
                    continue
                span, absent = found[0].span(), found[1]
            polarity = polarity_at(view.text, span[0], span[1], self.language, view.role)
            if absent:  # "睡眠还好" is the absent form of 睡眠差
                polarity = {"present": "absent", "absent": "present"}.get(polarity, polarity)
            later = re.search(r"[.?!。？！]", view.text[span[1]:])
            last_question = later is None or not re.search(r"[?？]", view.text[span[1] + later.end():])
            # a reply answers the utterance's last question ("eating well? okay. any concerns…?" "no.")
            reply = self._reply(uid) if polarity == "asked" and view.role == "doctor" and last_question else None
            if reply is not None:  # "are you still noticing any blood in your urine" "no no more blood"
                bucket = status.pos if (reply[0] == "pos") != absent else status.neg  # "sleeping well?" "yes"
                for i in (uid, reply[1]):
                    if i not in bucket:
                        bucket.append(i)
                    status.roles.setdefault(i, self.view(reply[1]).role)
                continue
            bucket = {"present": status.pos, "absent": status.neg}.get(polarity, status.asked)
            bucket.append(uid)
            status.roles[uid] = view.role
        return status

    def _reply(self, uid: str) -> tuple[str, str] | None:
        """The yes or no that the next speaker (patient or companion) gives to a question: ("pos"|"neg", id)."""
        i = self.position[uid] + 1
        if i >= len(self.views) or self.views[i].role not in ("patient", "other"):
            return None
        answer = _YES_NO.get(reply_polarity(self.views[i].text, rules_for(self.language)))
        return (answer, self.views[i].id) if answer else None

    def answers(self, ids: Iterable[str]) -> list[str]:
        """The replies to the questions among ``ids`` (a doctor's utterance that asks how long, how many, how often,
        how old..., or ends with a question mark): the next utterance, when the patient or a companion says it."""
        out = []
        for uid in ids:
            i = self.position.get(uid)
            if i is None or i + 1 >= len(self.views) or self.views[i].role != "doctor":
                continue
            text = self.views[i].text
            if (_VALUE_QUESTION[self.language].search(text) or text.rstrip().endswith(("?", "？"))) and \
                    self.views[i + 1].role in ("patient", "other"):
                out.append(self.views[i + 1].id)
        return self.order(out)

    def similar(self, units: Sequence[str], k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` utterances sharing the most (idf-weighted) wording with ``units``, best first."""
        wanted = set(units)
        if not wanted:
            return []
        scored = []
        for v in self.views:
            score = sum(self.idf.get(u, 0.0) for u in wanted & v.units)
            if score > 0:
                scored.append((v.id, score))
        scored.sort(key=lambda x: -x[1])
        return scored[:k]

    def coverage(self, units: Sequence[str]) -> float:
        """Share of the wording units found anywhere in the transcript (1.0 when there are none)."""
        if not units:
            return 1.0
        return sum(1 for u in units if u in self.idf) / len(units)

    def druglike_said(self, name: str) -> list[str]:
        """Ids of utterances that say a drug-like name (or, for an English name, a word sharing its first six
        letters, which tolerates recognition errors and brand/generic suffixes)."""
        name = name.lower()
        if self.language.startswith("zh"):
            core = name
            for suffix in ("颗粒", "口服液", "胶囊", "糖浆", "注射液", "混悬液", "滴剂", "喷雾剂", "软膏", "乳膏",
                           "片", "散", "丸", "膏", "栓"):
                if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                    core = core[:-len(suffix)]
                    break
            return [v.id for v in self.views if core in v.text]
        stem = name[:6]
        return [v.id for v in self.views if stem in v.text]


def _longest_first(names: set[str]) -> list[str]:
    """Names in a fixed order, the longest (most specific) first: which name is found first decides a loose
    mention's reading, so it must not depend on set order."""
    return sorted(names, key=lambda n: (-len(n), n))


def _bucket(fact: Fact) -> str:
    if fact.status == "present":
        return "pos"
    if fact.status == "absent":
        return "neg"
    return "stated" if fact.detail in ("hedged", "mentioned", "past") else "asked"


_EN_ASK = re.compile(r"\b(?:any|anything|how about|what about|have you|do you|did you|are you|is there|were there|"
                     r"has there|you have|you had)\b")
_YES_NO = {"present": "pos", "absent": "neg"}
_VALUE_QUESTION = {"en": re.compile(r"\bhow (?:long|many|much|often|old|far|bad)\b|\bwhen did\b|"
                                     r"\bwhat (?:dose|number)\b"),
                   "zh": re.compile(r"多久|多长时间|几天|几年|几个月|几次|多少|多大|几岁|什么时候")}
_EN_LATER_QUESTION = re.compile(r"\b(?:do you|did you|have you|are you|is there|were there|has there|how about|"
                                r"what about)\b|\bany (?:questions|concerns)\b")
_ZH_ASK = re.compile(r"有没有|有无|是否|是不是|会不会|吗|么|呢|没有|怎么样")


def _answer(views: Sequence[UtteranceView], at: int | None, item_surfaces: list[str],
            rules: Rules) -> tuple[str, str] | None:
    """A doctor's question that punctuation does not mark (``any joint pain fever weight loss``), answered yes or
    no by the next speaker: the term must sit in the doctor's last sentence, shortly after a question cue."""
    if at is None or at + 1 >= len(views) or views[at + 1].role not in ("patient", "other"):
        return None
    text = views[at].text
    last = [m for m in rules.sentence.finditer(text) if m.group(0).strip()]
    tail = last[-1].group(0) if last else text
    zh = rules.language == "zh"
    position = min((tail.find(s) for s in item_surfaces if s and tail.find(s) >= 0), default=-1)
    if position < 0:
        return None
    before = tail[max(0, position - (12 if zh else 60)):position]
    if not (_ZH_ASK if zh else _EN_ASK).search(before) and not (zh and _ZH_ASK.search(tail[position:])):
        return None
    rest = tail[position:].split()
    if not zh and len(rest) > 15 and _EN_LATER_QUESTION.search(" ".join(rest[1:])):
        return None  # a later question ("...you have gallstones... do you have any questions") gets the reply
    answer = _YES_NO.get(reply_polarity(views[at + 1].text, rules))
    return (answer, views[at + 1].id) if answer else None


def index_transcript(utterances: Sequence[Utterance], language: str, *, facts: Sequence[Fact] | None = None,
                     vocabulary: Vocabulary | None = None) -> TranscriptIndex:
    """Read a transcript once for any number of support checks.

    Args:
        utterances: The visit's role-labelled utterances, in time order.
        language: ``zh`` or ``en``.
        facts: The visit's facts when already extracted (:func:`summarizer.facts.extract_facts`).
        vocabulary: Terms to look for; the bundled vocabulary of the language by default.

    Returns:
        The index.
    """
    zh = language.startswith("zh")
    lang = "zh" if zh else "en"
    vocab = vocabulary or load_vocabulary(lang)
    views, mentions = [], {}
    texts = [normalize(u.text or "", lang) for u in utterances]
    numbers_of = [tuple(find_numbers(text, lang)) for text in texts]
    scales = scale_answers(texts, numbers_of, [u.role for u in utterances]) if lang == "en" else []
    for k, (u, text, numbers) in enumerate(zip(utterances, texts, numbers_of)):
        items = frozenset(m.term.item for m in vocab.scan(text) if m.term.kind != "stop")
        for item in items:
            mentions.setdefault(item, []).append(u.id)
        for name, _, _ in druglike_names(text, lang):
            mentions.setdefault(name, []).append(u.id)
        views.append(UtteranceView(u.id, u.role, text, numbers, tuple(side_mentions(text, lang)), items,
                                   frozenset(content_units(text, lang)), word_keys(text, lang),
                                   frozenset(score_keys(text, numbers) | scales[k]) if lang == "en" else frozenset()))
    if facts is None:
        facts = extract_facts(utterances, lang, vocabulary=vocab)
    status: dict[str, ItemStatus] = {}
    position = {v.id: i for i, v in enumerate(views)}
    for fact in facts:
        entry = status.setdefault(fact.item, ItemStatus())
        name, ids, who = _bucket(fact), list(fact.utterance_ids), fact.asserted_by
        if fact.asserted_by == "doctor" and name in ("stated", "asked") and len(ids) == 1:
            surfaces = [sf for sf, t in vocab.surfaces.items() if t.item == fact.item] if fact.item in mentions \
                else []
            answer = _answer(views, position.get(ids[0]), surfaces, rules_for(lang))
            if answer is not None:
                name, ids, who = answer[0], ids + [answer[1]], "patient"
        bucket = getattr(entry, name)
        bucket.extend(i for i in ids if i not in bucket)
        for i in ids:
            entry.roles.setdefault(i, who)
    df = Counter(unit for v in views for unit in v.units)
    n = max(len(views), 1)
    idf = {unit: math.log(1 + n / count) for unit, count in df.items()}
    return TranscriptIndex(lang, vocab, tuple(views), {v.id: i for i, v in enumerate(views)}, mentions, status,
                           "\n".join(v.text for v in views), idf, tuple(utterances))
