"""The benchmark visit: the bundled two-speaker Mandarin sample visit, looped to any length, audio and script.

The sample visit (``resources/sample_visit``) is a role-labelled script whose audio was rendered by espeak-ng with
two pinyin voices (``cmn-latn-pinyin+m3`` for the doctor, ``+f4`` for the patient; see
``tools/render_sample_visit.py``). Looping it gives a visit of the length asked for, with the same speech density
(utterances per minute, characters per minute) as the sample, renumbered utterance ids and shifted times, so the
LLM input is the size of a real transcript of that length. Nothing is synthesised at run time, so the benchmark
runs from a fresh clone without espeak-ng; the looped audio is cached as a ``.npy`` next to the random models.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE
from diarization.types import Utterance

__all__ = ["BenchVisit", "build_visit", "tts_tokens"]


@dataclass(frozen=True)
class BenchVisit:
    """A synthetic visit of a given length.

    Attributes:
        audio: 16 kHz mono float32.
        utterances: The script's utterances that end within the audio (ids ``u001``…, roles from the script).
        duration: Seconds of audio.
        loops: How many times the sample script was repeated (a fraction for the last, partial loop).
        source: Where the audio comes from (said in the benchmark's JSON).
    """

    audio: np.ndarray
    utterances: tuple[Utterance, ...]
    duration: float
    loops: float
    source: str

    @property
    def characters(self) -> int:
        return sum(len(u.text) for u in self.utterances)


def _cache_dir() -> Path:
    from asr.model_cache import default_cache_dir

    return default_cache_dir().parent / "bench-visits"


def build_visit(minutes: float, *, folder: Path | None = None, cache: bool = True) -> BenchVisit:
    """The sample visit looped to ``minutes`` (cut at the end; utterances cut by the end are left out).

    Args:
        minutes: Length of the visit.
        folder: A sample-visit folder (default: the bundled one).
        cache: Keep the looped audio on disk (it is re-read on the next run).
    """
    from app.sample_visit import load_sample_visit

    sample = load_sample_visit(folder)
    total = int(round(minutes * 60 * SAMPLE_RATE))
    period = int(round(sample.duration * SAMPLE_RATE))
    key = hashlib.sha256(f"{sample.audio.resolve()}:{sample.audio.stat().st_size}:{total}".encode()).hexdigest()[:16]
    path = _cache_dir() / f"visit-{key}.npy"
    audio = None
    if cache and path.is_file():
        audio = np.load(path)
    if audio is None or audio.size != total:
        from asr.audio import load_audio

        base = load_audio(sample.audio)[:period]
        base = np.pad(base, (0, max(0, period - base.size)))
        audio = np.resize(base, total).astype(np.float32)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, audio)
            tmp.replace(path)
    utterances: list[Utterance] = []
    loop = 0
    while loop * sample.duration < total / SAMPLE_RATE:
        offset = loop * period / SAMPLE_RATE
        for u in sample.utterances:
            if offset + u.end > total / SAMPLE_RATE:
                break
            utterances.append(Utterance(f"u{len(utterances) + 1:03d}", u.speaker, u.role,
                                        round(u.start + offset, 3), round(u.end + offset, 3), u.text))
        loop += 1
    return BenchVisit(audio, tuple(utterances), total / SAMPLE_RATE, round(total / period, 2),
                      "resources/sample_visit (espeak-ng, cmn-latn-pinyin+m3 doctor / +f4 patient) looped")


def tts_tokens(text: str) -> int:
    """Tokens a Qwen2.5 tokenizer gives ``text``, estimated (the random models' small tokenizer splits Chinese
    into bytes, about twice as many tokens as Qwen's real 151k vocabulary).

    Estimate: 0.72 token per CJK character (Qwen2.5 on clinical Mandarin: ~1,800 tokens for ~2,500 characters),
    one per digit (Qwen splits numbers into digits), one per other punctuation mark, and a quarter per Latin letter.
    """
    tokens = 0.0
    for c in text:
        if "\u4e00" <= c <= "\u9fff":
            tokens += 0.72
        elif c.isdigit():
            tokens += 1.0
        elif c.isascii() and c.isalpha():
            tokens += 0.25
        elif c.isspace():
            tokens += 0.1
        else:
            tokens += 1.0
    return max(1, int(round(tokens)))
