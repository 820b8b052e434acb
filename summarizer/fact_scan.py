"""One utterance read for facts: sentences, and vocabulary terms with their status (negation, hedging, questions).

This is the first step of :func:`summarizer.facts.extract_facts`; :mod:`summarizer.fact_context` adds warning signs,
if-clauses, follow-up and vital signs, :mod:`summarizer.fact_attributes` fills in doses, results, sites and
durations, and :mod:`summarizer.facts` pairs questions with answers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from summarizer.fact_rules import Rules
from summarizer.vocab import Vocabulary

__all__ = ["Sentence", "Mention", "Scan", "normalize_text", "scan_utterance"]


@dataclass(frozen=True)
class Sentence:
    """A sentence of the utterance: offsets, its clauses' start offsets, and what kind of sentence it is."""

    start: int
    end: int
    question: bool
    value_question: bool
    duration_question: bool
    clause_starts: tuple[int, ...]


@dataclass
class Mention:
    """A vocabulary term in an utterance, with what the scan learned about it (mutable while scanning)."""

    kind: str
    item: str
    start: int
    end: int
    sentence: int
    status: str = "present"
    flag: str = ""       # uncertain reason ("asked", "conditional", "hedged", "mentioned", "past") or "ordered"
    ask: bool = False    # named in an existence question
    dx: str = ""         # doctor's diagnosis cue: "present" | "uncertain" | "absent"
    used: bool = False   # folded into another fact (an allergy's reaction, a follow-up's test)
    attrs: dict = field(default_factory=dict)  # value, duration, frequency, laterality, detail


@dataclass
class Scan:
    """Everything read from one utterance."""

    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    extra: list[dict] = field(default_factory=list)   # facts not tied to a term: vitals, advice, follow-up
    used_spans: list[tuple[int, int]] = field(default_factory=list)
    conditional_spans: list[tuple[int, int]] = field(default_factory=list)
    leftover_durations: list[str] = field(default_factory=list)  # durations no term claimed (an answer's 三天了)

    def is_used(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span already turned into a fact."""
        return any(start < e and s < end for s, e in self.used_spans)

    def in_condition(self, position: int) -> bool:
        """Whether ``position`` lies in an if-clause or a warning's condition."""
        return any(s <= position < e for s, e in self.conditional_spans)

    def sentence_text(self, index: int) -> str:
        """The text of sentence ``index``."""
        s = self.sentences[index]
        return self.text[s.start:s.end]


def normalize_text(text: str, language: str) -> str:
    """NFKC (full-width punctuation and digits to ASCII), ``——`` removed; English lower-cased; in Chinese a space
    between two characters (how speech recognition often marks a pause) becomes a comma."""
    text = unicodedata.normalize("NFKC", text).replace("——", " ").replace("…", "")
    if language != "zh":
        return text.lower()
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", ",", text).strip()


def _sentences(text: str, rules: Rules) -> list[Sentence]:
    out = []
    for m in rules.sentence.finditer(text):
        body = m.group(0)
        if not body.strip():
            continue
        starts = [m.start()] + [m.start() + c.end() for c in rules.clause_split.finditer(body)]
        question = bool(rules.question_sentence.search(body.strip()))
        value_q = question and bool(rules.value_question.search(body))
        out.append(Sentence(m.start(), m.end(), question, value_q,
                            question and bool(rules.duration_question.search(body)), tuple(sorted(set(starts)))))
    return out


def _sentence_of(sentences: list[Sentence], position: int) -> int:
    for i, s in enumerate(sentences):
        if s.start <= position < s.end:
            return i
    return max(len(sentences) - 1, 0)


def _clause_start(sentence: Sentence, position: int) -> int:
    return max([s for s in sentence.clause_starts if s <= position], default=sentence.start)


def _mentions(text: str, sentences: list[Sentence], vocab: Vocabulary, rules: Rules) -> list[Mention]:
    mentions = []
    for match in vocab.scan(text):
        term = match.term
        if term.kind == "stop":
            continue
        mention = Mention(term.kind, term.item, match.start, match.end, _sentence_of(sentences, match.start))
        if term.absent:
            mention.status = "absent"
            mention.attrs["absent_form"] = True  # the words name the normal state (睡眠好), not a negation
        mentions.append(mention)
    return _pair_allergies(text, sentences, mentions, rules)


def _pair_allergies(text: str, sentences: list[Sentence], mentions: list[Mention], rules: Rules) -> list[Mention]:
    """Turn allergen/drug + 过敏 (or "allergic to" + allergen) into allergy mentions; bare 过敏 is generic."""
    paired: list[tuple[int, int]] = []
    for m in mentions:
        if m.kind not in ("drug", "allergen"):
            continue
        after = rules.allergy_pair_after.match(text[m.end:])
        before = rules.allergy_pair_before.search(text[max(0, m.start - 40):m.start]) \
            if rules.allergy_pair_before is not None else None
        if after:
            m.kind, m.end = "allergy", m.end + after.end()
            if after.group("neg"):
                m.status = "absent"
            paired.append((m.start, m.end))
        elif before:
            m.kind = "allergy"
            m.attrs["allergy_before"] = True
            paired.append((m.start - len(before.group(0)), m.end))
    _pair_listed(text, mentions, rules)
    kept = [m for m in mentions if m.kind != "allergen"]
    for word in rules.allergy_word.finditer(text):
        if not any(s <= word.start() < e for s, e in paired):
            generic = "过敏史" if rules.language == "zh" else "allergies"
            kept.append(Mention("allergy", generic, word.start(), word.end(), _sentence_of(sentences, word.start())))
    kept.sort(key=lambda m: m.start)
    return kept


def _pair_listed(text: str, mentions: list[Mention], rules: Rules) -> None:
    """A list of allergens or drugs before 过敏 is a list of allergies (``对青霉素、头孢过敏``,
    ``否认药物、食物过敏史``): every drug or allergen joined to an allergy by a list connector becomes one, with
    the allergy's status; so does a list after "allergic to" (``allergic to penicillin and sulfa``)."""
    ordered = sorted(mentions, key=lambda m: m.start)

    def joined(a: Mention, b: Mention) -> bool:
        gap = text[a.end:b.start]
        return b.start >= a.end and bool(gap.strip()) and bool(rules.connector.match(gap))

    for i in range(len(ordered) - 2, -1, -1):
        m, after = ordered[i], ordered[i + 1]
        if m.kind in ("drug", "allergen") and after.kind == "allergy" and joined(m, after):
            m.kind = "allergy"
            if after.status == "absent":
                m.status = "absent"
    for i in range(1, len(ordered)):
        m, before = ordered[i], ordered[i - 1]
        if m.kind in ("drug", "allergen") and before.attrs.get("allergy_before") and joined(before, m):
            m.kind = "allergy"
            m.attrs["allergy_before"] = True
    for m in ordered:
        m.attrs.pop("allergy_before", None)


# The gap after a negated term that goes on with its list: a few words of detail, then "or"/"nor".
_EN_NEGATED_LIST = re.compile(r"^(?:\s+[a-z']+){1,6},?\s+(?:or|nor)"
                              r"(?:\s+(?:any|a|an|the|other|signs? of|evidence of))*\s*$")


def _without_false_start(gap: str, term: str, language: str) -> str:
    """The gap before a term without a false start of that term said just before it ("no tingling or numbless,
    numbness": the list connector is " or "). English only."""
    if language == "zh":
        return gap
    m = re.match(r"^(?P<lead>.*?)\b(?P<word>[a-z]{3,})-?\s*[,-]?\s*$", gap)
    if m and m.group("word")[:3] == term[:3] and m.group("word") != term:
        return m.group("lead")
    return gap


def _status(text: str, sentence: Sentence, mentions: list[Mention], rules: Rules) -> None:
    """Negation, hedging and question scope of the terms of one sentence."""
    previous: Mention | None = None
    for m in mentions:
        clause = _clause_start(sentence, m.start)
        gap_start = previous.end if previous is not None and previous.end >= clause else clause
        gap = text[gap_start:m.start]
        following = [n.start for n in mentions if n.start >= m.end]
        tail_end = min([sentence.end, *following, *[c for c in sentence.clause_starts if c > m.end]])
        tail = text[m.end:tail_end]
        if m.status == "absent":
            pass
        elif previous is not None and previous.end >= clause and (rules.connector.match(
                _without_false_start(gap, text[m.start:m.end], rules.language)) or rules.gloss.match(gap)):
            m.status, m.flag, m.ask = previous.status, previous.flag, previous.ask
        elif previous is not None and previous.end >= clause and previous.status == "absent" and \
                rules.language != "zh" and _EN_NEGATED_LIST.match(gap):
            m.status = "absent"  # "no tenderness to palpation of the abdomen or tenderness of the cva"
        elif rules.language == "zh" and previous is not None and previous.status == "absent" and \
                not gap.strip(" ,") and re.fullmatch(r"\s*,\s*", text[previous.end:m.start]) and \
                not text[m.end:tail_end].strip(" ,。"):
            m.status = "absent"  # 无心脏病,甲亢,心肌炎: a bare list after a negation (not 没发烧,咳嗽厉害)
        elif sentence.question and rules.ask_end.search(gap):
            m.ask = True
        elif rules.neg_end.search(gap):
            if rules.past_neg is not None and rules.past_neg.search(gap):
                m.status, m.flag = "uncertain", "past"  # 昨天还没拉稀: it began since, it is not denied
            else:
                m.status = "absent"
        elif rules.hedge_end.search(gap):
            m.status, m.flag = "uncertain", "hedged"
        if not sentence.question and m.status == "present" and rules.post_neg.match(tail):
            m.status = "absent"
            m.attrs["post_negated"] = True
        if sentence.question and ((rules.ask_after.match(tail) and not sentence.value_question)
                                  or rules.ask_end.search(gap)):
            m.ask = True
        previous = m
    for i in range(len(mentions) - 1, 0, -1):  # "胸痛、咳嗽都没有": negation after the last of a list
        m, before = mentions[i], mentions[i - 1]
        if m.attrs.get("post_negated") and before.status == "present" and rules.connector.match(
                text[before.end:m.start]):
            before.status = "absent"
            before.attrs["post_negated"] = True
    for m in mentions:
        m.attrs.pop("post_negated", None)
    if not sentence.question and rules.hedge_sentence.search(text[sentence.start:sentence.end]):
        for m in mentions:
            if m.status == "present":
                m.status, m.flag = "uncertain", "hedged"


def scan_utterance(text: str, vocab: Vocabulary, rules: Rules) -> Scan:
    """Read one utterance.

    Args:
        text: The utterance text.
        vocab: The language's vocabulary.
        rules: The language's cue patterns.

    Returns:
        Sentences and terms with their statuses; :func:`summarizer.fact_context.read_context` and
        :func:`summarizer.fact_attributes.attach_all` add the rest.
    """
    text = normalize_text(text, rules.language)
    sentences = _sentences(text, rules)
    scan = Scan(text, sentences, _mentions(text, sentences, vocab, rules) if sentences else [])
    for i, sentence in enumerate(sentences):
        _status(text, sentence, [m for m in scan.mentions if m.sentence == i], rules)
    return scan

