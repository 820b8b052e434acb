"""Words to speakers, and words to utterances: pure functions over :mod:`asr` and :mod:`diarization` types.

Each word goes to the speaker whose turn it overlaps most (the whisperX rule), using the *exclusive* turns of a
:class:`~diarization.types.DiarizationResult`. Consecutive words of one speaker become an
:class:`~diarization.types.Utterance`, cut at a speaker change or at a pause longer than ``max_pause``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence

from asr.types import Segment, Word
from diarization.types import SpeakerTurn, Utterance

__all__ = ["DEFAULT_SPEAKER", "assign_words", "join_words", "group_utterances"]

DEFAULT_SPEAKER = "SPEAKER_00"  # the one speaker of a visit without any turn


class _TurnIndex:
    """Turns sorted by start, with the running maximum of their ends, for logarithmic look-ups."""

    def __init__(self, turns: Sequence[SpeakerTurn]) -> None:
        self.turns = sorted(t for t in turns if t.end > t.start)
        self.starts = [t.start for t in self.turns]
        self.max_end: list[float] = []  # max end over turns[0..i]
        self.max_at: list[int] = []  # index of that turn (the first one on ties)
        for i, turn in enumerate(self.turns):
            if not self.max_end or turn.end > self.max_end[-1]:
                self.max_end.append(turn.end)
                self.max_at.append(i)
            else:
                self.max_end.append(self.max_end[-1])
                self.max_at.append(self.max_at[-1])

    def speaker_of(self, word: Word) -> str:
        """Speaker of the turn the word overlaps most, else of the nearest turn (the earlier one on a tie)."""
        hi = bisect.bisect_left(self.starts, word.end)  # turns[hi:] start at or after the word's end
        lo = bisect.bisect_right(self.max_end, word.start)  # turns[:lo] all end at or before its start
        best, best_overlap = -1, 0.0
        for i in range(lo, hi):  # with exclusive turns: exactly the turns that overlap the word
            turn = self.turns[i]
            overlap = min(turn.end, word.end) - max(turn.start, word.start)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best >= 0:
            return self.turns[best].speaker
        before = self.max_at[hi - 1] if hi > 0 else -1
        after = hi if hi < len(self.turns) else -1
        if before < 0:
            return self.turns[after].speaker
        if after < 0:
            return self.turns[before].speaker
        gap_before = max(0.0, word.start - self.turns[before].end)
        gap_after = max(0.0, self.turns[after].start - word.end)
        return self.turns[before if gap_before <= gap_after else after].speaker


def assign_words(words: Sequence[Word], turns: Sequence[SpeakerTurn]) -> list[str]:
    """Attribute each word to a speaker.

    A word goes to the speaker of the turn it overlaps most (the earlier turn on a tie); a word that overlaps no turn
    goes to the nearest turn by time gap (the earlier one on a tie). Turns with no duration are ignored. With
    exclusive turns (no overlaps) each word costs ``O(log T + k)`` for ``k`` overlapped turns, so a whole visit costs
    ``O((W + T) log T)``; overlapping turns are handled correctly but may cost more.

    Args:
        words: Words with times, in any order.
        turns: Speaker turns, preferably the exclusive ones.

    Returns:
        One speaker label per word, in the order of ``words``; all :data:`DEFAULT_SPEAKER` when there is no turn
        (or the first turn's speaker when every turn has zero length).
    """
    index = _TurnIndex(turns)
    if not index.turns:
        fallback = turns[0].speaker if turns else DEFAULT_SPEAKER
        return [fallback] * len(words)
    return [index.speaker_of(word) for word in words]


def _is_wide(char: str) -> bool:
    """True for CJK ideographs, kana, Hangul and full-width punctuation: written without spaces around them."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF  # CJK radicals, punctuation, kana, ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms (，？！)
        or 0x20000 <= code <= 0x3FFFF  # extension ideographs
    )


def join_words(pieces: Iterable[str]) -> str:
    """Join word texts the way they are written.

    Whisper's English words carry their leading space (``" have"``), Chinese ones do not (``"咳"``). A leading space
    is kept as one space, except next to a CJK character or full-width punctuation, where no space is written.

    Args:
        pieces: Word texts in order.

    Returns:
        The joined text, stripped.
    """
    out = ""
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        if out and piece[:1].isspace() and not _is_wide(out[-1]) and not _is_wide(core[0]):
            out += " "
        out += core
    return out


def _words_of(segments: Sequence[Segment]) -> list[tuple[Word, int]]:
    """All words with the index of their segment; a segment without words becomes one pseudo-word spanning it."""
    found: list[tuple[Word, int]] = []
    for k, segment in enumerate(segments):
        if segment.words:
            found.extend((word, k) for word in segment.words if word.text.strip())
        elif segment.text.strip():
            # The leading space separates it from a previous English piece; join_words drops it next to CJK.
            found.append((Word(segment.start, segment.end, " " + segment.text.strip(), 1.0), k))
    found.sort(key=lambda item: item[0].start)  # stable: ties keep the decoder's order
    return found


def group_utterances(
    segments: Sequence[Segment],
    turns: Sequence[SpeakerTurn],
    *,
    max_pause: float = 1.0,
    roles: Mapping[str, str] | None = None,
) -> tuple[Utterance, ...]:
    """Turn ASR segments and speaker turns into utterances.

    The words of the segments are attributed with :func:`assign_words` (a segment without word timings is one
    pseudo-word spanning it, so it goes whole to one speaker). Consecutive words of one speaker form an utterance;
    a new one starts at a speaker change or when the silence between two words exceeds ``max_pause``.

    Args:
        segments: ASR segments in time order.
        turns: Exclusive speaker turns.
        max_pause: Longest silence in seconds kept inside one utterance.
        roles: Role per speaker label; a speaker not in it gets ``"other"``.

    Returns:
        Utterances in time order, with ids ``"u001"``, ``"u002"``... and the flags of every segment that
        contributed a word (in first-seen order).
    """
    roles = roles or {}
    words = _words_of(segments)
    speakers = assign_words([word for word, _ in words], turns)
    groups: list[list[tuple[Word, int]]] = []
    group_speakers: list[str] = []
    last_end = 0.0
    for (word, k), speaker in zip(words, speakers):
        if not groups or speaker != group_speakers[-1] or word.start - last_end > max_pause:
            groups.append([])
            group_speakers.append(speaker)
            last_end = word.end
        groups[-1].append((word, k))
        last_end = max(last_end, word.end)
    utterances = []
    for n, (group, speaker) in enumerate(zip(groups, group_speakers), start=1):
        flags: dict[str, None] = {}
        for k in dict.fromkeys(k for _, k in group):
            flags.update(dict.fromkeys(segments[k].flags))
        utterances.append(Utterance(
            id=f"u{n:03d}",
            speaker=speaker,
            role=roles.get(speaker, "other"),
            start=group[0][0].start,
            end=max(word.end for word, _ in group),
            text=join_words(word.text for word, _ in group),
            words=tuple(word for word, _ in group),
            flags=tuple(flags),
        ))
    return tuple(utterances)
