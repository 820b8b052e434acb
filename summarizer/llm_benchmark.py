"""Speed of the local LLM backend with random weights at real sizes (cost does not depend on the weight values).

Per size (Qwen2.5 shapes, int8, CPU): prefill tokens/s, decode tokens/s at a short and a long context with the
decode roofline from the measured memory read bandwidth, and the time to a full record of a 10-minute visit three
ways — every section with the whole prompt (no cache), sections one after another with the shared prefix cached,
and all sections as one batch with the prefix cached (run last: its key/value caches, one per section at the
full context, set the process's peak memory; see :func:`kv_cache_bytes`). Token counts are fixed (end of text is suppressed until each
section's length), so runs are comparable. Each size runs in its own process so its peak memory is its own.
Prints JSON; run as ``tingji bench llm`` or ``python benchmarks/llm.py``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time

import numpy as np

__all__ = ["run_one", "main", "kv_cache_bytes", "memory_bandwidth_gbs", "VISIT_PROMPT_TOKENS", "SECTION_TOKENS"]

# A 10-minute Mandarin visit: ~2,500 characters of speech ≈ 1,800 Qwen tokens, plus utterance numbers and role
# labels (~150 utterances × 8) and the rules (~250): about 3,200 prompt tokens shared by every section.
VISIT_PROMPT_TOKENS = 3200
SECTION_PROMPT_TOKENS = 70  # the section's own task (title, instruction, style, example)
# Terse answers per section of 门诊初诊病历 (tokens incl. citations): 主诉, 现病史, 既往史, 过敏史, 个人史/家族史,
# 体格检查, 辅助检查, 初步诊断, 处理意见.
SECTION_TOKENS = (24, 150, 50, 20, 20, 70, 40, 20, 90)


def _peak_rss_mb() -> float:
    from asr.benchmark import _peak_rss_mb as peak

    return peak()


def memory_bandwidth_gbs(megabytes: int = 512, repeats: int = 5) -> float:
    """Read bandwidth of this machine as numpy sees it (sum over a buffer larger than the caches)."""
    buffer = np.ones(megabytes * 1024 * 1024 // 8, dtype=np.float64)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        buffer.sum()
        best = min(best, time.perf_counter() - started)
    return buffer.nbytes / best / 1e9


def kv_cache_bytes(shape, tokens: int) -> int:
    """Key/value cache of one sequence of ``tokens`` as CTranslate2 4.8 holds it on the CPU: float32, and as wide
    as the model (all query heads), not the grouped-query width — inferred from peak memory: one 3,270-token
    context adds about 1.1 GB (28 layers x 2 x 3,270 x 1,536 x 4 bytes), and a 9-section batch behind a cached
    3,200-token static prompt peaked at 12.9 GB (model 1.5 GB + 9 x 1.1 GB + activations). That batch is what made
    ``tingji bench llm`` peak at 14 GB; the sequential modes peak near 4.5 GB.
    """
    return 2 * shape.layers * tokens * shape.hidden * 4


class _Runner:
    def __init__(self, generator, tokens: list[str], seed: int = 0):
        self.generator = generator
        self.tokens = tokens
        self.rng = np.random.default_rng(seed)

    def random_tokens(self, n: int) -> list[str]:
        return [self.tokens[i] for i in self.rng.integers(0, len(self.tokens), size=n)]

    def generate(self, prompts: list[list[str]], lengths: list[int], static: list[str] | None = None) -> float:
        counts = [0] * len(prompts)

        def callback(step) -> bool:
            counts[step.batch_id] += 1
            return counts[step.batch_id] >= lengths[step.batch_id]

        from summarizer.ct2_llm import generate_batch_shared

        started = time.perf_counter()
        generate_batch_shared(self.generator, prompts, static, max_length=max(lengths), min_length=max(lengths),
                              sampling_topk=1, callback=callback)
        return time.perf_counter() - started


def run_one(size: str, *, threads: int = 0, prompt_tokens: int = VISIT_PROMPT_TOKENS, record: bool = True,
            decode_tokens: int = 32) -> dict:
    """Measure one size in this process (the model is built and cached first if needed)."""
    import ctranslate2

    from asr.model import default_threads
    from summarizer.random_llm import SHAPES, cached_random_qwen2

    build_started = time.perf_counter()
    folder = cached_random_qwen2(size, quantization="int8")
    build_s = time.perf_counter() - build_started
    threads = threads or default_threads()
    started = time.perf_counter()
    generator = ctranslate2.Generator(str(folder), device="cpu", compute_type="int8", intra_threads=threads)
    load_s = time.perf_counter() - started
    vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
    runner = _Runner(generator, [t for t in vocabulary if not t.startswith("<|")])
    model_bytes = (folder / "model.bin").stat().st_size

    runner.generate([runner.random_tokens(16)], [2])  # warm-up
    prefill_s = runner.generate([runner.random_tokens(prompt_tokens)], [1])
    decode = {}
    for context in (500, prompt_tokens):
        prompt = runner.random_tokens(context)
        one = runner.generate([prompt], [1])
        many = runner.generate([prompt], [decode_tokens + 1])
        decode[str(context)] = round(decode_tokens / max(many - one, 1e-9), 2)
    bandwidth = memory_bandwidth_gbs()
    result = {
        "size": size, "shape": SHAPES[size].__dict__, "threads": threads, "model_mb": round(model_bytes / 2**20),
        "build_or_cache_s": round(build_s, 2), "load_s": round(load_s, 2),
        "prefill_tokens_per_s": round(prompt_tokens / prefill_s, 1), "prefill_prompt_tokens": prompt_tokens,
        "decode_tokens_per_s": decode, "memory_bandwidth_gbs": round(bandwidth, 1),
        "decode_roofline_tokens_per_s": round(bandwidth * 1e9 / model_bytes, 1),
    }
    if record:
        lengths = list(SECTION_TOKENS)
        shared = runner.random_tokens(prompt_tokens)
        suffixes = [runner.random_tokens(SECTION_PROMPT_TOKENS) for _ in lengths]
        naive = sum(runner.generate([shared + s], [n]) for s, n in zip(suffixes, lengths))
        shared = runner.random_tokens(prompt_tokens)  # a new visit: nothing cached yet
        cached = sum(runner.generate([s], [n], static=shared) for s, n in zip(suffixes, lengths))
        before_batch_mb = _peak_rss_mb()
        shared = runner.random_tokens(prompt_tokens)
        batched = runner.generate(suffixes, lengths, static=shared)
        result["peak_rss_mb_before_batched"] = round(before_batch_mb)
        result["peak_rss_mb_after_batched"] = round(_peak_rss_mb())
        result["kv_cache_mb_per_sequence"] = round(kv_cache_bytes(SHAPES[size], prompt_tokens) / 2**20)
        result["record_10min_visit"] = {
            "sections": len(lengths), "prompt_tokens_shared": prompt_tokens, "new_tokens": sum(lengths),
            "sequential_no_cache_s": round(naive, 3), "sequential_prefix_cached_s": round(cached, 3),
            "batched_prefix_cached_s": round(batched, 3),
            "speedup_batched_vs_no_cache": round(naive / batched, 2),
        }
    result["peak_rss_mb"] = round(_peak_rss_mb())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="qwen2.5-1.5b,qwen2.5-7b")
    parser.add_argument("--record-sizes", default="qwen2.5-1.5b",
                        help="sizes that also time a full record (slow for 7B on 2 cores)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--prompt-tokens", type=int, default=VISIT_PROMPT_TOKENS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        result = run_one(args.one, threads=args.threads, prompt_tokens=args.prompt_tokens,
                         record=args.one in args.record_sizes.split(","))
        print(json.dumps(result))
        return 0
    results = []
    for size in [s for s in args.sizes.split(",") if s]:
        proc = subprocess.run([sys.executable, "-m", "summarizer.llm_benchmark", "--one", size, "--threads",
                               str(args.threads), "--prompt-tokens", str(args.prompt_tokens), "--record-sizes",
                               args.record_sizes], capture_output=True, text=True)
        if proc.returncode != 0:
            results.append({"size": size, "error": proc.stderr.strip().splitlines()[-1:]})
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(json.dumps({"benchmark": "llm", "device": "cpu", "compute_type": "int8", "machine": platform.machine(),
                      "python": platform.python_version(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
