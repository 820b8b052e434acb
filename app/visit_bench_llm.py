"""The record stage of the visit benchmark: real prompts, their real sizes, forced answer lengths.

The section prompts are the product's own (:func:`summarizer.prompts.build_section_prompts` for the whole
transcript, :func:`summarizer.prompts.build_compact_prompts` for facts and their utterances), rendered with the
chat template. A random-weight model with the project's small test tokenizer would give Chinese about twice the
tokens Qwen2.5's tokenizer gives, so each prompt is measured in estimated Qwen2.5 tokens
(:func:`app.visit_bench_script.tts_tokens`) and fed as that many random tokens: the shared beginning of all
section prompts as one static prompt, each section's remainder after it. A random model never stops by itself, so
every section decodes exactly its target length (end of text suppressed, then stopped). Compute cost depends on
these lengths only, so the times are what a real Qwen2.5 of the same shape would take.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from app.visit_bench_script import tts_tokens

__all__ = ["SectionJob", "plan_jobs", "extractive_lengths", "ForcedDecoder", "REALISTIC_TOKENS"]

# Terse answers of a 10-minute visit per section of 门诊初诊病历 (tokens incl. citations), as in `tingji bench llm`.
REALISTIC_TOKENS = {"chief_complaint": 24, "present_illness": 150, "past_history": 50, "allergy_history": 20,
                    "personal_family_history": 20, "physical_exam": 70, "auxiliary_exam": 40, "diagnosis": 20,
                    "plan": 90}
CITES_PER_SENTENCE = 2  # an answer cites a sentence's question and answer, not every repeat of it


@dataclass(frozen=True)
class SectionJob:
    """One section to decode: its prompt beyond the shared static prefix, and its forced answer length."""

    section_id: str
    suffix_tokens: int
    new_tokens: int
    utterance_ids: tuple[str, ...] = ()


@dataclass
class JobPlan:
    """What the record stage will decode: a shared static prefix and one job per LLM-written section."""

    static_tokens: int
    jobs: list[SectionJob]
    prompts: list = field(default_factory=list)
    extractive_sections: tuple[str, ...] = ()

    @property
    def prompt_tokens(self) -> int:
        return self.static_tokens * (1 if self.jobs else 0) + sum(j.suffix_tokens for j in self.jobs)

    @property
    def new_tokens(self) -> int:
        return sum(j.new_tokens for j in self.jobs)


def extractive_lengths(reference) -> dict[str, int]:
    """Tokens of each extractive section written as an LLM answer would be: text plus at most two cited ids per
    sentence (``[u003]`` ≈ 6 Qwen tokens)."""
    out = {}
    for section in reference.sections:
        text = "".join(s.text + "".join(f"[{e}]" for e in s.evidence[:CITES_PER_SENTENCE]) for s in section.sentences)
        out[section.id] = tts_tokens(text or "未提及。")
    return out


def _common_prefix(texts: Sequence[str]) -> str:
    if not texts:
        return ""
    first = texts[0]
    n = min(len(t) for t in texts)
    i = 0
    while i < n and all(t[i] == first[i] for t in texts):
        i += 1
    return first[:i]


def plan_jobs(template, utterances, reference, *, inputs: str, lengths: dict[str, int],
              llm_sections: Sequence[str] | None = None, chat_template: str | None = None) -> JobPlan:
    """Build the product's section prompts and size them.

    Args:
        template: The record template.
        utterances: The visit's utterances (the script's: random ASR text is meaningless).
        reference: The extractive record of the same utterances (facts with their evidence).
        inputs: ``whole`` (every section sees the whole transcript) or ``compact`` (its facts and their utterances).
        lengths: Forced answer tokens per section id.
        llm_sections: Sections the LLM writes (None: all); the others are taken from the extractive record.
        chat_template: Jinja chat template (default: the random model's ChatML).
    """
    from summarizer.chat_template import render_chat
    from summarizer.prompts import build_compact_prompts, build_section_prompts
    from summarizer.random_llm import CHAT_TEMPLATE

    chat = chat_template or CHAT_TEMPLATE
    wanted = [s for s in template.sections if llm_sections is None or s.id in llm_sections]
    if inputs == "whole":
        prompts = build_section_prompts(template, utterances, count_tokens=lambda p: 0, context_tokens=32768)
    elif inputs == "compact":
        prompts = build_compact_prompts(template, utterances, reference)
    else:
        raise ValueError(f"inputs must be whole or compact, not {inputs!r}")
    prompts = [p for p in prompts if p.section in wanted]
    texts = [render_chat(chat, p.prompt.messages, add_generation_prompt=True) + p.prompt.prefix for p in prompts]
    shared = _common_prefix(texts) if len(texts) > 1 else ""
    static = tts_tokens(shared) if shared else 0
    jobs = [SectionJob(p.section.id, max(1, tts_tokens(t[len(shared):])), max(1, lengths.get(p.section.id, 32)),
                       p.utterance_ids) for p, t in zip(prompts, texts)]
    skipped = tuple(s.id for s in template.sections if s not in wanted)
    return JobPlan(static, jobs, prompts, skipped)


class ForcedDecoder:
    """Decode random token prompts of given lengths with a CTranslate2 generator, every answer at a fixed length.

    Args:
        generator: A loaded ``ctranslate2.Generator``.
        vocabulary: The model's token strings (prompts are drawn from the ordinary ones).
        seed: Random seed for the prompt tokens.
    """

    def __init__(self, generator, vocabulary: Sequence[str], seed: int = 0):
        self.generator = generator
        self.tokens = [t for t in vocabulary if not t.startswith("<|")]
        self.rng = np.random.default_rng(seed)

    def random_tokens(self, n: int) -> list[str]:
        return [self.tokens[i] for i in self.rng.integers(0, len(self.tokens), size=n)]

    def run(self, plan: JobPlan, *, batch: bool, mark: Callable[[str, float, float], None] | None = None) -> dict:
        """Decode every job of ``plan``; returns timings.

        Sequential: the static prefix computed once and cached, then each section from it, one after another
        (``generate_tokens``). Batched: all sections in one ``generate_batch``, each item with its full prompt:
        CTranslate2 4.8 recomputes a static prompt for every item of a batch even when it is cached (measured:
        a 9-item batch behind a cached 3,200-token prefix took 2x one uncached prefill and peaked at 12.9 GB).
        """
        mark = mark or (lambda name, start, end: None)
        static = self.random_tokens(plan.static_tokens) if plan.static_tokens else None
        suffixes = [self.random_tokens(j.suffix_tokens) for j in plan.jobs]
        lengths = [j.new_tokens for j in plan.jobs]
        timings: dict = {"sections": len(plan.jobs), "static_prefix_tokens": plan.static_tokens,
                         "suffix_tokens": [j.suffix_tokens for j in plan.jobs], "new_tokens": lengths,
                         "mode": "batched" if batch else "sequential"}
        if not plan.jobs:
            timings.update(prefix_s=0.0, decode_s=0.0, total_s=0.0)
            return timings
        started = time.perf_counter()
        batch = batch and len(plan.jobs) > 1
        if static and not batch:  # the shared beginning once, cached by CTranslate2 for what follows
            self.generator.generate_batch([suffixes[0][:1]], max_length=1, static_prompt=static,
                                          cache_static_prompt=True, include_prompt_in_result=False)
        prefixed = time.perf_counter()
        if prefixed - started > 0.01:
            mark("llm prefix", started, prefixed)
        if batch:
            counts = [0] * len(lengths)

            def callback(step) -> bool:
                counts[step.batch_id] += 1
                return counts[step.batch_id] >= lengths[step.batch_id]

            items = [list(static or []) + s for s in suffixes]  # full prompts: see the docstring
            self.generator.generate_batch(items, max_length=max(lengths), min_length=max(lengths), sampling_topk=1,
                                          include_prompt_in_result=False, callback=callback)
            mark("llm batch", prefixed, time.perf_counter())
        else:
            for job, suffix in zip(plan.jobs, suffixes):
                began = time.perf_counter()
                for _ in self.generator.generate_tokens(suffix, max_length=job.new_tokens, min_length=job.new_tokens,
                                                        sampling_topk=1, static_prompt=static,
                                                        cache_static_prompt=bool(static)):
                    pass
                mark(f"llm {job.section_id}", began, time.perf_counter())
        ended = time.perf_counter()
        timings.update(prefix_s=round(prefixed - started, 3), decode_s=round(ended - prefixed, 3),
                       total_s=round(ended - started, 3))
        return timings


def measure_speed(decoder: ForcedDecoder, *, prompt_tokens: int, decode_tokens: int = 24) -> dict:
    """Prefill tokens/s for a prompt of ``prompt_tokens``, and decode tokens/s after it (batch of one)."""
    def timed(prompt, n):
        started = time.perf_counter()
        decoder.generator.generate_batch([prompt], max_length=n, min_length=n, sampling_topk=1,
                                         include_prompt_in_result=False)
        return time.perf_counter() - started

    timed(decoder.random_tokens(8), 2)  # warm-up
    prompt = decoder.random_tokens(prompt_tokens)
    one = timed(prompt, 1)
    many = timed(prompt, decode_tokens + 1)
    return {"prompt_tokens": prompt_tokens, "prefill_tokens_per_s": round(prompt_tokens / one, 1),
            "decode_tokens_per_s": round(decode_tokens / max(many - one, 1e-9), 2),
            "decode_ms_per_token": round(1000 * (many - one) / decode_tokens, 1)}
