"""ROUGE in pure Python, computed the way the evaluation sources compute it (no dependency).

Two families, because the sources use two different packages:

- **English** (ACI-Bench, MTS-Dialog), as Google's ``rouge-score`` package called through Hugging Face
  ``evaluate.load("rouge")`` with its defaults (no stemming): the text is lowercased, every character outside
  ``[a-z0-9]`` becomes a space, tokens are split on whitespace. ROUGE-1/2 count clipped n-gram matches; ROUGE-L is
  the longest common subsequence of the whole texts; ROUGE-Lsum splits both texts on ``"\\n"`` (empty lines
  dropped) and takes the summary-level union LCS, each token counted at most as often as it occurs on both sides.
  Porter stemming is not implemented: neither ACI-Bench's nor MEDIQA-Chat's scripts turn it on. Non-ASCII letters
  vanish under this tokenizer, so it must not be used for Chinese.
- **Chinese, character level** (IMCS-21), as IMCS's ``eval_mrg.py``: it space-joins the characters and calls the
  ``rouge`` package (pltrdy, 1.0.1) with its defaults. Consequences reproduced here on purpose: every
  non-whitespace character is a token, Chinese and ASCII punctuation included (``。``, ``，``, ``：`` count);
  whitespace is never a token; the ASCII full stop ``.`` is a sentence separator, not a token (so ``38.5`` is the
  tokens ``3 8`` and ``5``); n-grams are counted as *sets* (a repeated bigram counts once on each side); ROUGE-L is
  that package's summary-level LCS over the ``.``-separated sentences, whose lengths and union are sets of token
  types; F is ``2PR / (P + R + 1e-8)``. An empty hypothesis or reference raises ``ValueError`` there; here it
  scores 0, as the official script's ``except ValueError`` does.

All scores are fractions in 0..1 (the published tables multiply by 100).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

__all__ = ["Score", "ROUGE_TYPES", "CHAR_ROUGE_TYPES", "tokenize", "rouge_n", "rouge_l", "rouge_lsum",
           "rouge_scores", "char_rouge"]

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
CHAR_ROUGE_TYPES = ("rouge-1", "rouge-2", "rouge-l")

_NON_ALPHANUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_VALID = re.compile(r"^[a-z0-9]+$")


@dataclass(frozen=True)
class Score:
    """Precision, recall and F-measure of one comparison."""

    precision: float
    recall: float
    fmeasure: float


_ZERO = Score(0.0, 0.0, 0.0)


def _f(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def tokenize(text: str) -> list[str]:
    """``rouge-score``'s default tokenizer without stemming.

    Args:
        text: Any text.

    Returns:
        Lowercased ``[a-z0-9]+`` tokens in order.
    """
    text = _NON_ALPHANUM.sub(" ", text.lower())
    return [t for t in _SPACES.split(text) if _VALID.match(t)]


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(target: Sequence[str], prediction: Sequence[str], n: int) -> Score:
    """ROUGE-N of token lists, n-gram matches clipped to the smaller count.

    Args:
        target: Reference tokens.
        prediction: Candidate tokens.
        n: N-gram length (≥ 1).

    Returns:
        The score (all zero when either side has no n-gram).

    Raises:
        ValueError: ``n`` < 1.
    """
    if n < 1:
        raise ValueError(f"ROUGE-N needs n ≥ 1, not {n}")
    ref, cand = _ngrams(target, n), _ngrams(prediction, n)
    overlap = sum(min(count, cand[gram]) for gram, count in ref.items())
    precision = overlap / max(sum(cand.values()), 1)
    recall = overlap / max(sum(ref.values()), 1)
    return Score(precision, recall, _f(precision, recall))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, 1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def _lcs_table(a: Sequence[str], b: Sequence[str]) -> list[list[int]]:
    table = [[0] * (len(b) + 1)]
    for x in a:
        row, above = [0], table[-1]
        for j, y in enumerate(b, 1):
            row.append(above[j - 1] + 1 if x == y else max(above[j], row[j - 1]))
        table.append(row)
    return table


def rouge_l(target: Sequence[str], prediction: Sequence[str]) -> Score:
    """ROUGE-L: longest common subsequence of two token lists.

    Args:
        target: Reference tokens.
        prediction: Candidate tokens.

    Returns:
        The score (all zero when either side is empty).
    """
    if not target or not prediction:
        return _ZERO
    lcs = _lcs_length(target, prediction)
    precision, recall = lcs / len(prediction), lcs / len(target)
    return Score(precision, recall, _f(precision, recall))


def _lcs_indices(ref: Sequence[str], cand: Sequence[str]) -> list[int]:
    """Indices into ``ref`` of one LCS, read back exactly as ``rouge-score`` does (ties move up, not left)."""
    table = _lcs_table(ref, cand)
    i, j, out = len(ref), len(cand), []
    while i > 0 and j > 0:
        if ref[i - 1] == cand[j - 1]:
            out.append(i - 1)
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return out[::-1]


def rouge_lsum(target: str, prediction: str) -> Score:
    """ROUGE-Lsum: summary-level union LCS over newline-separated sentences.

    Args:
        target: Reference text, one sentence (or paragraph) per line.
        prediction: Candidate text, likewise.

    Returns:
        The score (all zero when either side has no token).
    """
    ref_sents = [tokenize(s) for s in target.split("\n") if s]
    cand_sents = [tokenize(s) for s in prediction.split("\n") if s]
    m, n = sum(map(len, ref_sents)), sum(map(len, cand_sents))
    if not m or not n:
        return _ZERO
    ref_counts = Counter(t for s in ref_sents for t in s)
    cand_counts = Counter(t for s in cand_sents for t in s)
    hits = 0
    for ref in ref_sents:
        union = sorted(set().union(*(_lcs_indices(ref, cand) for cand in cand_sents)))
        for token in (ref[i] for i in union):
            if cand_counts[token] > 0 and ref_counts[token] > 0:
                hits += 1
                cand_counts[token] -= 1
                ref_counts[token] -= 1
    precision, recall = hits / n, hits / m
    return Score(precision, recall, _f(precision, recall))


def rouge_scores(target: str, prediction: str, types: Sequence[str] = ROUGE_TYPES) -> dict[str, Score]:
    """English ROUGE of one candidate against one reference, as ``rouge_scorer.RougeScorer(types).score``.

    Args:
        target: Reference text.
        prediction: Candidate text.
        types: Any of ``rouge1``…``rouge9``, ``rougeL``, ``rougeLsum``.

    Returns:
        One :class:`Score` per type.

    Raises:
        ValueError: An unknown type.
    """
    ref, cand = tokenize(target), tokenize(prediction)
    out = {}
    for kind in types:
        if kind == "rougeL":
            out[kind] = rouge_l(ref, cand)
        elif kind == "rougeLsum":
            out[kind] = rouge_lsum(target, prediction)
        elif re.fullmatch(r"rouge[1-9]", kind):
            out[kind] = rouge_n(ref, cand, int(kind[5:]))
        else:
            raise ValueError(f"unknown ROUGE type {kind!r} (known: rouge1..rouge9, rougeL, rougeLsum)")
    return out


# --- Chinese, character level: IMCS's eval_mrg.py on the ``rouge`` package -------------------------------------


def _char_sentences(text: str) -> list[list[str]]:
    """Space-joined characters split on ``.``, as ``Rouge.get_scores`` does, then split into words on ``" "``."""
    spaced = " ".join(text)
    sentences = [" ".join(part.split()) for part in spaced.split(".") if len(part) > 0]
    return [s.split(" ") for s in sentences]


def _set_f(precision: float, recall: float) -> float:
    return 2.0 * ((precision * recall) / (precision + recall + 1e-8))


def _char_rouge_n(hyp: list[list[str]], ref: list[list[str]], n: int) -> Score:
    def grams(sentences):
        words = [w for s in sentences for w in s]
        return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}

    h, r = grams(hyp), grams(ref)
    overlap = len(h & r)
    precision = overlap / len(h) if h else 0.0
    recall = overlap / len(r) if r else 0.0
    return Score(precision, recall, _set_f(precision, recall))


def _recon_lcs(x: Sequence[str], y: Sequence[str]) -> set[str]:
    """The ``rouge`` package's LCS read-back (ties move left, not up), as the set of tokens of ``x`` it keeps."""
    table = _lcs_table(x, y)
    i, j, out = len(x), len(y), set()
    while i > 0 and j > 0:
        if x[i - 1] == y[j - 1]:
            out.add(x[i - 1])
            i, j = i - 1, j - 1
        elif table[i - 1][j] > table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return out


def _char_rouge_l(hyp: list[list[str]], ref: list[list[str]]) -> Score:
    m = len({w for s in ref for w in s})
    n = len({w for s in hyp for w in s})
    union: set[str] = set()
    for ref_sentence in ref:
        for hyp_sentence in hyp:
            union |= _recon_lcs(ref_sentence, hyp_sentence)
    recall, precision = len(union) / m, len(union) / n
    return Score(precision, recall, _set_f(precision, recall))


def char_rouge(hypothesis: str, reference: str) -> dict[str, Score]:
    """Character-level ROUGE-1/2/L of Chinese text, exactly as IMCS-21's official scorer computes one pair.

    Args:
        hypothesis: The generated text (whitespace is ignored).
        reference: The reference text.

    Returns:
        ``{"rouge-1", "rouge-2", "rouge-l"}`` → :class:`Score`; all zero when either side has no sentence
        (where the ``rouge`` package raises ``ValueError`` and the official script scores 0).
    """
    hyp, ref = _char_sentences(hypothesis), _char_sentences(reference)
    if not hyp or not ref:
        return {kind: _ZERO for kind in CHAR_ROUGE_TYPES}
    return {"rouge-1": _char_rouge_n(hyp, ref, 1), "rouge-2": _char_rouge_n(hyp, ref, 2),
            "rouge-l": _char_rouge_l(hyp, ref)}
