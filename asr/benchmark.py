"""Speed of Whisper with random weights at real sizes (compute cost does not depend on the weight values).

For each model size: encoder seconds per 30-s window, decoder milliseconds per token (greedy, end-of-text
suppressed so every run decodes the same number of tokens), a projection for a 10-minute visit, and peak RSS.
Each size runs in its own process so its peak memory is its own. Prints JSON. Run as
``tingji bench asr`` or ``python benchmarks/asr.py``.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

__all__ = ["run_one", "run"]

VISIT_SECONDS = 600
WINDOW_SECONDS = 30
TOKENS_PER_WINDOW = 150  # about 4.5 spoken syllables/s of Mandarin at ~1.1 tokens per character
DEFAULT_SIZES = ("small", "large-v3-turbo", "large-v3")


def _peak_rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM is reset at exec, unlike ru_maxrss)."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(size: str, device: str = "cpu", threads: int = 0, repeats: int = 3, tokens: int = 150) -> dict:
    """Measure one size in this process (the model is built and cached first if needed)."""
    import ctranslate2

    from asr.model import default_threads, resolve_compute_type
    from asr.random_whisper import SHAPES, cached_random_whisper

    folder = cached_random_whisper(size, quantization="int8")
    threads = threads or default_threads()
    compute_type = resolve_compute_type(device)
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    model = ctranslate2.models.Whisper(str(folder), device=device, compute_type=compute_type, intra_threads=threads)
    load_s = time.perf_counter() - started
    shape = SHAPES[size]
    rng = np.random.default_rng(0)
    mel = rng.standard_normal((1, shape.n_mels, 3000), dtype=np.float32)
    features = ctranslate2.StorageView.from_array(mel)
    vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
    index = {token: i for i, token in enumerate(vocabulary)}
    prompt = [index["<|startoftranscript|>"], index["<|zh|>"], index["<|transcribe|>"], index["<|notimestamps|>"]]
    suppress = [index["<|endoftext|>"]]

    encode_times, decode_rates, generated = [], [], 0
    for _ in range(repeats + 1):  # the first round warms up
        t0 = time.perf_counter()
        encoded = model.encode(features, to_cpu=False)
        t1 = time.perf_counter()
        result = model.generate(
            # CTranslate2 stops Whisper at about half of max_length, hence the factor 2.
            encoded, [prompt], beam_size=1, max_length=2 * tokens, suppress_tokens=suppress, suppress_blank=False
        )[0]
        t2 = time.perf_counter()
        generated = len(result.sequences_ids[0])
        encode_times.append(t1 - t0)
        decode_rates.append((t2 - t1) / max(generated, 1))
    encode_s = statistics.median(encode_times[1:])
    per_token_s = statistics.median(decode_rates[1:])
    windows = VISIT_SECONDS / WINDOW_SECONDS
    projected = windows * (encode_s + TOKENS_PER_WINDOW * per_token_s)
    return {
        "size": size,
        "device": device,
        "compute_type": compute_type,
        "threads": threads,
        "load_s": round(load_s, 3),
        "encoder_s_per_30s_window": round(encode_s, 4),
        "decoder_ms_per_token": round(per_token_s * 1000, 3),
        "tokens_decoded_per_run": generated,
        "projected_10min_visit_s": round(projected, 1),
        "projected_real_time_factor": round(projected / VISIT_SECONDS, 4),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "peak_rss_before_load_mb": round(rss_before, 1),
    }


def run(sizes=DEFAULT_SIZES, threads: int = 0, repeats: int = 3) -> dict:
    """Measure every size, each in a fresh process, on the CPU and on CUDA when present."""
    import ctranslate2

    from asr.random_whisper import cached_random_whisper

    devices = ["cpu"] + (["cuda"] if ctranslate2.get_cuda_device_count() > 0 else [])
    results = []
    for size in sizes:
        cached_random_whisper(size, quantization="int8")  # build outside the measured process
        for device in devices:
            code = (
                "import json,sys; from asr.benchmark import run_one; "
                f"print(json.dumps(run_one({size!r}, {device!r}, {threads}, {repeats})))"
            )
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                results.append({"size": size, "device": device, "error": proc.stderr.strip().splitlines()[-1:]})
            else:
                results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {
        "benchmark": "asr",
        "weights": "random, real architecture sizes, int8",
        "assumptions": {
            "visit_seconds": VISIT_SECONDS,
            "window_seconds": WINDOW_SECONDS,
            "tokens_per_window": TOKENS_PER_WINDOW,
            "decoding": "greedy",
        },
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": _cores(),
                    "ctranslate2": ctranslate2.__version__},
        "results": results,
    }


def _cores() -> int:
    from asr.model import default_threads

    return default_threads()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``--sizes small,large-v3-turbo --threads N --repeats K``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES))
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    report = run(tuple(s for s in args.sizes.split(",") if s), args.threads, args.repeats)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
