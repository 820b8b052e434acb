"""Post-filters against Whisper's known failure modes on non-speech and noisy audio.

- Phantom phrases (subtitle credits, "thanks for watching") learnt from video subtitles: dropped.
- Repetition loops (the decoder stuck on one phrase): the loop is cut back to one occurrence and marked; a segment
  that only repeats the previous one is dropped.
- Low confidence (mean token log-probability or word probability): marked for the doctor, never silently kept as sure.
- Non-speech decoded as speech (high no-speech probability with low confidence): dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from asr.types import DroppedSegment, FilterOptions, Segment

__all__ = ["PHANTOM_PHRASES", "normalize", "find_loop", "apply_filters"]

# Phrases that appear on silence or music because Whisper was trained on subtitled video.
PHANTOM_PHRASES = (
    "字幕由amara.org社区提供", "字幕由amara社区提供", "字幕提供", "字幕由", "中文字幕", "字幕志愿者",
    "谢谢观看", "谢谢收看", "谢谢大家观看", "感谢观看", "感谢收看", "请不吝点赞订阅转发打赏支持明镜与点点栏目",
    "明镜与点点栏目", "点赞订阅", "订阅我的频道", "欢迎订阅", "优优独播剧场", "本字幕由", "字幕by",
    "thankyouforwatching", "thanksforwatching", "pleasesubscribe", "subtitlesby", "subtitlesbytheamaraorgcommunity",
    "amaraorg", "likeandsubscribe",
)
# Phrases that are real speech in a visit, but phantom when confidence is weak.
_WEAK_PHANTOMS = ("thankyou", "thanks", "谢谢", "谢谢大家", "byebye", "再见", "好", "嗯")


def normalize(text: str) -> str:
    """Lower-case, NFKC, without punctuation, symbols or spaces (for phrase matching)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


_PHANTOMS_NORMALIZED = tuple(normalize(p) for p in PHANTOM_PHRASES)


def _is_phantom(segment: Segment, options: FilterOptions) -> bool:
    norm = normalize(segment.text)
    if not norm:
        return False
    for phrase in _PHANTOMS_NORMALIZED:
        if phrase in norm and len(phrase) >= 0.6 * len(norm):
            return True
    weak = segment.avg_logprob < options.min_avg_logprob or segment.no_speech_prob > 0.3
    return weak and norm in _WEAK_PHANTOMS


def _units(text: str) -> list[str]:
    """Comparison units: words for space-separated text, characters otherwise."""
    if re.search(r"[\u3400-\u9fff]", text):
        return [ch for ch in text]
    return re.findall(r"\S+\s*", text)


def find_loop(text: str) -> tuple[int, int, int] | None:
    """Find a repetition loop: a unit sequence repeated back to back.

    Returns:
        ``(start, unit_length, repeats)`` in units, for the longest-covering loop, or ``None``. Short units must
        repeat at least 4 times (so 对对对 is not a loop), longer ones (3+ units) at least 3 times.
    """
    units = [normalize(u) or u for u in _units(text)]
    n = len(units)
    best = None
    for size in range(1, min(30, n // 3) + 1):
        need = 4 if size <= 2 else 3
        i = 0
        while i + size * need <= n:
            repeats = 1
            while i + size * (repeats + 1) <= n and units[i + size * repeats:i + size * (repeats + 1)] == units[i:i + size]:
                repeats += 1
            if repeats >= need and (best is None or size * repeats > best[1] * best[2]):
                best = (i, size, repeats)
            i += max(1, size * repeats if repeats >= need else 1)
    return best


def _trim_loop(segment: Segment) -> Segment | None:
    loop = find_loop(segment.text)
    if loop is None:
        return None
    start, size, repeats = loop
    units = _units(segment.text)
    kept = units[:start + size] + units[start + size * repeats:]
    text = "".join(kept).strip()
    words = segment.words
    if words:
        word_units = [_units(w.text) for w in words]
        keep_words, position = [], 0
        cut_from, cut_to = start + size, start + size * repeats
        for word, wu in zip(words, word_units):
            if not (cut_from <= position < cut_to):
                keep_words.append(word)
            position += len(wu)
        words = tuple(keep_words)
    return replace(segment, text=text, words=words, flags=segment.flags + ("repetition_trimmed",))


def apply_filters(
    segments: list[Segment], options: FilterOptions, previous_text: str = ""
) -> tuple[list[Segment], list[DroppedSegment]]:
    """Apply the post-filters to the segments of one speech region.

    Args:
        segments: Decoded segments, in order.
        options: Thresholds.
        previous_text: Text of the last kept segment before these (to catch a loop across segments).

    Returns:
        The kept (possibly trimmed or marked) segments and the dropped ones with their reasons.
    """
    kept: list[Segment] = []
    dropped: list[DroppedSegment] = []
    last = normalize(previous_text)

    def drop(segment: Segment, reason: str) -> None:
        dropped.append(DroppedSegment(segment.start, segment.end, segment.text, reason))

    for segment in segments:
        if not normalize(segment.text):
            drop(segment, "empty")
            continue
        if options.drop_phantom_phrases and _is_phantom(segment, options):
            drop(segment, "phantom phrase")
            continue
        if segment.no_speech_prob > options.max_no_speech_prob and segment.avg_logprob < options.min_avg_logprob:
            drop(segment, "no speech")
            continue
        trimmed = _trim_loop(segment)
        if trimmed is not None:
            segment = trimmed
            if not normalize(segment.text):
                drop(segment, "repetition loop")
                continue
        elif segment.compression_ratio > options.max_compression_ratio:
            segment = replace(segment, flags=segment.flags + ("repetitive",))
        if last and normalize(segment.text) == last:
            drop(segment, "repeats the previous segment")
            continue
        probabilities = [w.probability for w in segment.words]
        low_words = bool(probabilities) and sum(probabilities) / len(probabilities) < options.min_word_probability
        if segment.avg_logprob < options.min_avg_logprob or low_words:
            segment = replace(segment, flags=segment.flags + ("low_confidence",))
        kept.append(segment)
        last = normalize(segment.text)
    return kept, dropped
