"""Evidence and a support verdict for every record sentence, from the sentence text and the transcript.

Whatever backend wrote a sentence, :func:`check_sentence` reads what it claims and holds each claim against the
conversation (ids the backend cited are only a hint):

- a clinical term (symptom, diagnosis, finding, drug, test...) must be said in the visit; a symptom, diagnosis,
  finding, habit or allergy the sentence states present must not only have been denied, and one it states absent
  must not only have been reported (``contradicted``, "negation flipped");
- a number (dose, duration, temperature, blood pressure, lab value, age...) must be said near the term it
  qualifies; another value of the same kind said there instead is a contradiction, no such value an
  ``unsupported`` claim;
- a side of the body (left/right/bilateral, 左/右/双) must be the side the visit names for that part;
- a drug-shaped name outside the vocabulary must be said.

**Verdicts.** ``contradicted`` if any claim is contradicted, else ``unsupported`` if any claim has no evidence,
else ``supported``. A sentence with no checkable clinical content (``The patient agrees with the plan.``) is
``supported`` with the reason "no clinical detail to check" unless almost none of its wording occurs in the visit
(then ``unsupported``: nothing in the visit says this). "Never mentioned" means no surface form of the concept
(its vocabulary synonyms, or the sentence's own words for it) occurs in any utterance; a question about it counts
as a mention. Reasons are short and in the record's language, and quote the utterance ids they rest on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Sequence

from diarization.types import Utterance
from summarizer.facts import Fact
from summarizer.record import Record, RecordSection, Sentence
from summarizer.support_index import TranscriptIndex, index_transcript
from summarizer.support_judge import Finding, judge_druglike, judge_terms
from summarizer.support_judge_numbers import judge_sentence_numbers, sentence_numbers
from summarizer.support_judge_sides import judge_sides
from summarizer.support_reasons import join_reasons, reason
from summarizer.support_text import druglike_names, normalize, side_mentions, term_claims
from summarizer.support_words import content_units, record_units
from summarizer.vocab import Vocabulary

__all__ = ["SupportResult", "check_sentence", "verify_record", "evidence_span", "index_transcript",
           "UNGROUNDED_COVERAGE"]

log = logging.getLogger(__name__)

# A sentence with no clinical claim is unsupported when fewer than this share of its wording units (English content
# words, Chinese character pairs) occur anywhere in the visit, and it has at least _MIN_UNITS of them.
UNGROUNDED_COVERAGE = 0.25
_MIN_UNITS = 4



@dataclass(frozen=True)
class SupportResult:
    """The verdict on one sentence.

    Attributes:
        verdict: ``supported``, ``unsupported`` or ``contradicted``.
        reason: Why, in the sentence's language, quoting utterance ids.
        evidence: Ids of the utterances the sentence rests on (and those a flag quotes), in time order.
        code: What the first flag is about (``negation``, ``dose``, ``duration``, ``number``, ``laterality``,
            ``drug``, ``unmentioned``, ``ungrounded``); ``""`` when supported.
        codes: Every flag's code.
    """

    verdict: str
    reason: str
    evidence: tuple[str, ...] = ()
    code: str = ""
    codes: tuple[str, ...] = ()


def check_sentence(text: str, utterances: Sequence[Utterance], language: str, *, facts: Sequence[Fact] | None = None,
                   cited: Sequence[str] = (), index: TranscriptIndex | None = None,
                   vocabulary: Vocabulary | None = None) -> SupportResult:
    """Judge one record sentence against the visit's transcript.

    Args:
        text: The sentence.
        utterances: The visit's role-labelled utterances, in time order.
        language: ``zh`` or ``en`` (of the sentence and the transcript).
        facts: The visit's facts when already extracted (saves re-reading the transcript).
        cited: Utterance ids the backend cited (a hint: wrong or missing ids are tolerated).
        index: A transcript index from :func:`index_transcript` (for checking many sentences of one visit).
        vocabulary: Terms to look for; the bundled vocabulary by default.

    Returns:
        The verdict, its reason and the evidence ids.
    """
    lang = "zh" if language.startswith("zh") else "en"
    idx = index or index_transcript(utterances, lang, facts=facts, vocabulary=vocabulary)
    norm = normalize(text, lang)
    terms = term_claims(norm, lang, idx.vocab)
    spans = [(c.start, c.end) for c in terms]
    numbers, ranges = sentence_numbers(norm, lang, spans)
    sides = side_mentions(norm, lang)
    drugs = [d for d in druglike_names(norm, lang) if not any(s < d[2] and d[1] < e for s, e in spans)]
    units = content_units(norm, lang)
    cited_ok = [c for c in cited if c in idx.position]
    similar = [uid for uid, _ in idx.similar(units)]
    near = set(idx.around(cited_ok + similar))
    term_ids = [i for c in terms for i in idx.mentioned(c.item, c.surface)[:12]]
    context = near | set(idx.around(term_ids))
    findings: list[Finding] = []
    findings += judge_terms(terms, idx, context, near, norm)
    findings += judge_sentence_numbers(numbers, ranges, terms, norm, idx, context, near)
    findings += judge_sides(sides, idx, context, near, units)
    findings += judge_druglike(drugs, idx, context)
    if not findings:
        return _no_claims(units, idx, similar, record_units(norm, lang))
    flagged = [f for f in findings if f.status in ("contradicted", "unsupported")]
    contradicted = [f for f in flagged if f.status == "contradicted"]
    evidence = idx.order([i for f in (contradicted or flagged) for i in f.evidence]
                         + [i for f in findings if f.status in ("ok", "weak") for i in f.evidence])[:6]
    if not flagged:
        evidence = evidence or idx.order(similar[:1])
        return SupportResult("supported", reason("supported", lang, ids=evidence), tuple(evidence))
    main = contradicted or flagged
    return SupportResult("contradicted" if contradicted else "unsupported",
                         join_reasons([f.reason for f in main], lang), tuple(evidence), main[0].code,
                         tuple(dict.fromkeys(f.code for f in flagged)))


def _no_claims(units: list[str], idx: TranscriptIndex, similar: list[str], record: set[str]) -> SupportResult:
    lang = idx.language
    units = [u for u in units if u in idx.idf or u not in record]  # unsaid record wording does not count
    if len(set(units)) >= _MIN_UNITS and idx.coverage(units) < UNGROUNDED_COVERAGE:
        return SupportResult("unsupported", reason("ungrounded", lang), (), "ungrounded", ("ungrounded",))
    ids = idx.order(similar[:2])
    return SupportResult("supported", reason("nothing_ids" if ids else "nothing", lang, ids=ids), tuple(ids))


def verify_record(record: Record, utterances: Sequence[Utterance], language: str | None = None, *,
                  facts: Sequence[Fact] | None = None, vocabulary: Vocabulary | None = None) -> Record:
    """Check every sentence of a record against its visit.

    Args:
        record: The draft (any backend); its sentences' evidence is used as a hint.
        utterances: The visit's role-labelled utterances.
        language: Transcript language; the record's by default.
        facts: The visit's facts when already extracted.
        vocabulary: Terms to look for; the bundled vocabulary by default.

    Returns:
        A new record whose every sentence has its evidence, verdict and reason set; ``reviewed`` is kept.
    """
    lang = language or record.language
    idx = index_transcript(utterances, lang, facts=facts, vocabulary=vocabulary)
    sections = []
    flagged = 0
    for section in record.sections:
        sentences = []
        for s in section.sentences:
            result = check_sentence(s.text, utterances, lang, cited=s.evidence, index=idx)
            flagged += result.verdict != "supported"
            sentences.append(Sentence(s.text, result.evidence, result.verdict, result.reason, s.reviewed))
        sections.append(RecordSection(section.id, section.title, tuple(sentences), section.not_discussed))
    log.info("support check: %d of %d sentences flagged", flagged, sum(len(s.sentences) for s in sections))
    return replace(record, sections=tuple(sections))


def evidence_span(evidence_ids: Sequence[str], utterances: Sequence[Utterance]) -> tuple[float, float] | None:
    """The audio time span of a sentence's evidence, for replay.

    Args:
        evidence_ids: Utterance ids.
        utterances: The visit's utterances.

    Returns:
        ``(start, end)`` in seconds, from the earliest start to the latest end of the cited utterances; None when
        no id is known.
    """
    wanted = set(evidence_ids)
    times = [(u.start, u.end) for u in utterances if u.id in wanted]
    if not times:
        return None
    return min(s for s, _ in times), max(e for _, e in times)
