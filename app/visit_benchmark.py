"""``tingji bench visit``: time from Stop to a complete record draft, for a whole synthetic visit. Prints JSON.

A two-speaker Mandarin visit (:mod:`app.visit_bench_script`) is fed through :class:`app.live.LiveVisit` (streaming
ASR and diarization on their threads) at a real-time or simulated pace (:mod:`app.visit_bench_live`), with
random-weight models at real sizes (compute cost does not depend on the weight values). At Stop: the ASR and
diarization tails, labelling, facts and prompts, then the record drafted by the LLM (:mod:`app.visit_bench_llm`),
then the record's support check. The same visit is then processed naively in the same process — after Stop,
one stage after another: whole-file ASR, file-mode diarization, the LLM over the whole transcript — and reported
as a ratio. A timeline PNG shows when each stage ran.

What is not real: the random ASR text is meaningless, so the LLM input is the visit script's utterances (the
real transcript's size); the random LLM never stops, so each section decodes a fixed, realistic length; prompt
sizes are counted in estimated Qwen2.5 tokens. Every such choice is said in the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["PROFILES", "run", "main"]

PROFILES = {
    "cpu": {"whisper": "small", "diarization": "community-1", "llm": "qwen2.5-1.5b", "device": "cpu",
            "compute_type": "int8", "target_s": 20.0},
    "gpu": {"whisper": "large-v3-turbo", "diarization": "community-1", "llm": "qwen2.5-7b", "device": "cuda",
            "compute_type": "int8_float16", "target_s": 5.0},
    "tiny": {"whisper": "tiny-test", "diarization": "tiny-test", "llm": "tiny-test", "device": "cpu",
             "compute_type": "int8", "target_s": None},
}
# Sections whose prose the LLM writes in the "hybrid" variant (the product's CPU default, see
# summarizer.llm_record.PROSE_SECTIONS); the list-like rest comes from the extractive record.
HYBRID_SECTIONS = ("present_illness", "plan")


def _vm_hwm_mb() -> float:
    from asr.benchmark import _peak_rss_mb

    return round(_peak_rss_mb(), 1)


def _bandwidth() -> dict:
    """Memory bandwidth measured in a child process (its 1 GB of buffers must not count in this one's peak RSS)."""
    code = ("import json,time,numpy as np\n"
            "a=np.ones(512*2**20//8); b=np.empty_like(a); c=[]; r=[]\n"
            "for _ in range(5):\n t=time.perf_counter(); np.copyto(b,a); c.append(time.perf_counter()-t)\n"
            " t=time.perf_counter(); a.sum(); r.append(time.perf_counter()-t)\n"
            "print(json.dumps({'copy_gbs': 2*a.nbytes/min(c)/1e9, 'read_gbs': a.nbytes/min(r)/1e9}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    values = json.loads(out)
    return {k: round(v, 1) for k, v in values.items()}


def _load_models(profile: dict, args) -> tuple:
    import ctranslate2

    from asr.model import WhisperEngine, load_whisper
    from asr.random_whisper import cached_random_whisper
    from diarization.model import load_diarization
    from diarization.random_models import cached_random_pipeline
    from summarizer.random_llm import cached_random_qwen2
    from app.visit_bench_live import LengthCappedWhisper

    tiny = profile["llm"] == "tiny-test"
    whisper_dir = cached_random_whisper(profile["whisper"], quantization=None if tiny else "int8")
    pipeline_dir = cached_random_pipeline(profile["diarization"])
    llm_dir = cached_random_qwen2(profile["llm"], quantization=None if tiny else "int8")
    asr = load_whisper(whisper_dir, device=profile["device"], threads=args.asr_threads)
    asr = WhisperEngine(LengthCappedWhisper(asr.model), asr.info)
    diar = load_diarization(pipeline_dir, device=profile["device"], threads=args.diarization_threads)
    generator = ctranslate2.Generator(str(llm_dir), device=profile["device"], compute_type=profile["compute_type"],
                                      intra_threads=args.llm_threads if profile["device"] == "cpu" else 0)
    vocabulary = json.loads((llm_dir / "vocabulary.json").read_text(encoding="utf-8"))
    return asr, diar, generator, vocabulary, (llm_dir / "model.bin").stat().st_size


def _asr_options(args):
    from asr.types import TranscriptionOptions, VadOptions

    return TranscriptionOptions(language="zh", beam_size=args.beam_size, temperatures=(0.0,), word_timestamps=True,
                                vad=VadOptions(min_silence_ms=args.min_silence_ms))


def _record_stage(visit, template, decoder, timeline, *, inputs: str, batch: bool, lengths_from: str,
                  llm_sections=None) -> dict:
    """Facts + prompts, the LLM, then the support check; every step marked on the timeline."""
    from summarizer.extractive import build_record
    from summarizer.support import verify_record
    from app.visit_bench_llm import REALISTIC_TOKENS, extractive_lengths, plan_jobs

    began = time.perf_counter()
    reference = build_record(visit.utterances, template, verify=False)
    lengths = extractive_lengths(reference) if lengths_from == "extractive" else dict(REALISTIC_TOKENS)
    plan = plan_jobs(template, visit.utterances, reference, inputs=inputs, lengths=lengths, llm_sections=llm_sections)
    prepared = time.perf_counter()
    timeline.add("facts + prompts", began, prepared)
    llm = decoder.run(plan, batch=batch, mark=timeline.add)
    checked_from = time.perf_counter()
    verify_record(reference, visit.utterances, template.language)
    ended = time.perf_counter()
    timeline.add("record check", checked_from, ended)
    return {"facts_prompts_s": round(prepared - began, 3), "llm_s": round(checked_from - prepared, 3),
            "record_check_s": round(ended - checked_from, 3), "total_s": round(ended - began, 3),
            "prompt_tokens": plan.prompt_tokens, "new_tokens": plan.new_tokens,
            "extractive_sections": list(plan.extractive_sections), "llm": llm}


def _naive(visit, asr, diar, template, decoder, options, timeline) -> dict:
    """After Stop, one stage after another: whole-file ASR, file-mode diarization, the LLM over the transcript."""
    from asr.transcriber import transcribe_array
    from diarization.diarize import diarize_audio
    from diarization.visit import label_transcript

    t0 = time.perf_counter()
    transcript = transcribe_array(asr, visit.audio, options)
    t1 = time.perf_counter()
    timeline.add("naive asr", t0, t1)
    diarization = diarize_audio(diar, visit.audio)
    t2 = time.perf_counter()
    timeline.add("naive diarization", t1, t2)
    label_transcript(transcript, diarization)
    t3 = time.perf_counter()
    record = _record_stage(visit, template, decoder, _Relabel(timeline, "naive "), inputs="whole", batch=False,
                           lengths_from="extractive")
    total = time.perf_counter() - t0
    return {"asr_s": round(t1 - t0, 2), "diarization_s": round(t2 - t1, 2), "labelling_s": round(t3 - t2, 3),
            "record_s": record["total_s"], "llm": record["llm"], "total_s": round(total, 2)}


class _Relabel:
    def __init__(self, timeline, prefix):
        self.timeline, self.prefix = timeline, prefix

    def add(self, stage, start, end):
        self.timeline.add(self.prefix + stage if not stage.startswith("llm") else "naive " + stage, start, end)


def _variants(visit, template, decoder, timeline) -> list[dict]:
    """What each choice of the record stage buys (same visit, same model, one after another)."""
    from app.visit_bench_live import Timeline

    rows = []
    choices = [
        ("whole transcript, sequential, cached prefix (the CPU default before)", "whole", False, "extractive", None),
        ("compact inputs, sequential, cached prefix", "compact", False, "extractive", None),
        ("compact inputs, one batch", "compact", True, "extractive", None),
        ("compact inputs, sequential, bench-llm lengths (484 tokens)", "compact", False, "realistic", None),
        ("hybrid: LLM writes 现病史 + 处理意见, sequential; the rest extractive", "compact", False, "extractive",
         HYBRID_SECTIONS),
        ("hybrid: LLM writes 现病史 + 处理意见, one batch", "compact", True, "extractive", HYBRID_SECTIONS),
    ]
    for name, inputs, batch, lengths, sections in choices:
        scratch = Timeline()
        result = _record_stage(visit, template, decoder, scratch, inputs=inputs, batch=batch, lengths_from=lengths,
                               llm_sections=sections)
        rows.append({"choice": name, "record_s": result["total_s"], "llm_s": result["llm_s"],
                     "prompt_tokens": result["prompt_tokens"], "new_tokens": result["new_tokens"],
                     "static_prefix_tokens": result["llm"]["static_prefix_tokens"], "peak_rss_mb": _vm_hwm_mb()})
    return rows


def run(args) -> dict:
    """Run the benchmark with parsed ``args`` (see :func:`main`); returns the JSON-ready report."""
    import ctranslate2

    from asr.audio import SAMPLE_RATE
    from app.template_library import find_template
    from app.live import LiveVisit, live_diarization_options
    from diarization.types import DiarizationOptions
    from app.visit_bench_live import Timeline, feed_live
    from app.visit_bench_llm import ForcedDecoder, measure_speed
    from app.visit_bench_plot import draw_timeline
    from app.visit_bench_script import build_visit

    profile = PROFILES[args.profile]
    sections = args.sections or ("hybrid" if profile["device"] == "cpu" else "all")  # the product's default
    if profile["device"] == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        return {"benchmark": "visit", "profile": args.profile, "skipped": "no CUDA device is visible "
                "(ctranslate2.get_cuda_device_count() == 0); run the GPU profile on a machine with a GPU"}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bandwidth = _bandwidth()
    visit = build_visit(args.minutes)
    template = find_template(args.template)
    load_started = time.perf_counter()
    asr, diar, generator, vocabulary, model_bytes = _load_models(profile, args)
    load_s = time.perf_counter() - load_started
    options = _asr_options(args)
    decoder = ForcedDecoder(generator, vocabulary)
    timeline = Timeline()

    live_options = live_diarization_options(diar, DiarizationOptions(live_step=args.diarization_step or None))

    def make_live(clock):
        return LiveVisit(asr, diar, asr_options=options, diarization_options=live_options, clock=clock,
                         yield_to_asr=args.yield_to_asr)

    fed = feed_live(make_live, visit.audio, pace=args.pace, timeline=timeline)
    record = _record_stage(visit, template, decoder, timeline, inputs=args.inputs, batch=args.batch,
                           lengths_from="extractive",
                           llm_sections=HYBRID_SECTIONS if sections == "hybrid" else None)
    time_to_note = fed["stop_s"] + record["total_s"] + fed["real_time_backlog_s"]
    rss_product = _vm_hwm_mb()
    live = fed["live"]
    speed = measure_speed(decoder, prompt_tokens=512)
    # Host memory bandwidth: meaningless for a GPU's decode (its HBM bandwidth is not measured here).
    roofline = bandwidth["copy_gbs"] / 2 * 1e9 / model_bytes if profile["device"] == "cpu" else None
    report = {
        "benchmark": "visit", "profile": args.profile, "pace": args.pace,
        "pace_means": {"realtime": "100-ms blocks pushed on the wall clock; lag is wall time from capture of a "
                                   "segment's end to the segment", "simulated": "next block pushed when ASR finished "
                       "the last; lag on a virtual clock in audio time (the queue a real-time run forms); "
                       "diarization drained before Stop, its overrun of the visit length added to time-to-note"
                       }[args.pace],
        "models": {k: profile[k] for k in ("whisper", "diarization", "llm", "device", "compute_type")},
        "weights": "random, real architecture sizes (speed is real, text is not)",
        "visit": {"minutes": args.minutes, "source": visit.source, "loops_of_sample": visit.loops,
                  "utterances": len(visit.utterances), "characters": visit.characters},
        "honesty": {
            "llm_input": "the visit script's utterances and roles (random ASR text is garbage), i.e. the real "
                         "transcript size; ASR and diarization still ran on the audio",
            "llm_output": "each section forced to its realistic length: the extractive record's text of the same "
                          "script plus at most 2 citations per sentence (end of text suppressed, then stopped)",
            "prompt_tokens": "estimated Qwen2.5 tokens (0.72/CJK char, 1/digit or mark), fed as random tokens",
            "asr_decoding": "greedy, temperature 0, word timestamps; decode length capped at ~5 tokens per second "
                            "of audio (a random Whisper never stops)",
        },
        "threads": {"asr": args.asr_threads, "diarization_torch": args.diarization_threads, "llm": args.llm_threads,
                    "cores": os.cpu_count()},
        "choices": {"inputs": args.inputs, "batch": args.batch, "sections": sections,
                    "vad_min_silence_ms": args.min_silence_ms, "asr_beam_size": args.beam_size,
                    "live_diarization_step_s": live_options.live_step or diar.pipeline._segmentation.step,
                    "naive_diarization_step_s": diar.pipeline._segmentation.step,
                    "diarization_yields_to_asr": args.yield_to_asr},
        "load_s": round(load_s, 1),
        "time_to_note_s": round(time_to_note, 2),
        "target_s": profile["target_s"],
        "after_stop_s": {**fed["stages_after_stop"], "facts_prompts_s": record["facts_prompts_s"],
                         "llm_s": record["llm_s"], "record_check_s": record["record_check_s"],
                         "real_time_backlog_s": fed["real_time_backlog_s"]},
        "record": {k: record[k] for k in ("prompt_tokens", "new_tokens", "extractive_sections", "llm")},
        "live": {"segments": len(live.stats.lags),
                 "lag_p50_s": _round(live.stats.lag_percentile(50)), "lag_p95_s": _round(live.stats.lag_percentile(95)),
                 "lag_max_s": _round(max(live.stats.lags) if live.stats.lags else None),
                 "busy_s": {k: round(v, 1) for k, v in fed["busy_s"].items()},
                 "busy_fraction_of_visit": {k: round(v / max(visit.duration, 1e-9), 3)
                                            for k, v in fed["busy_s"].items()},
                 "feed_s": fed["feed_s"]},
        "llm_speed": {**speed, "memory_bandwidth": bandwidth, "model_bytes": model_bytes,
                      "decode_roofline_tokens_per_s": _round(roofline),
                      "roofline_means": "read bandwidth (half the bytes moved per second by a 512 MB numpy copy, "
                                        "which reads and writes each byte) / bytes of weights read per token (all "
                                        "of model.bin: the tied output projection reads the whole embedding "
                                        "matrix); the key/value cache read per token comes on top"},
        "peak_rss_mb_live_and_record": rss_product,
    }
    partial = out / f"visit-{args.profile}-{args.pace}.json"
    partial.write_text(json.dumps({**report, "partial": "naive run and variants still to come"}, indent=2,
                                  ensure_ascii=False))  # a long run leaves its main figures behind at once
    if args.naive:
        naive = _naive(visit, asr, diar, template, decoder, options, timeline)
        report["naive"] = naive
        report["naive_over_live_ratio"] = round(naive["total_s"] / max(time_to_note, 1e-9), 1)
    if args.variants:
        report["variants"] = _variants(visit, template, decoder, timeline)
    report["peak_rss_mb"] = _vm_hwm_mb()
    png = draw_timeline(timeline.spans, out / f"visit-{args.profile}-{args.pace}.png", stop_at=fed["stop_at"],
                        note_at=fed["stop_at"] + time_to_note, title=f"tingji bench visit: {args.profile}, {args.minutes:g} min, {args.pace}; "
                              f"time to note {time_to_note:.1f} s")
    report["timeline_png"] = str(png)
    report["timeline"] = [(s, round(a, 2), round(b, 2)) for s, a, b in timeline.spans
                          if not s.startswith(("asr", "diarization")) or "tail" in s]
    report["machine"] = {"cpu": platform.processor() or platform.machine(), "load_avg_at_end": os.getloadavg(),
                         "ctranslate2": ctranslate2.__version__, "audio_samples": int(visit.audio.size),
                         "sample_rate": SAMPLE_RATE}
    (out / f"visit-{args.profile}-{args.pace}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def _round(value):
    return None if value is None else round(float(value), 2)


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The options of ``tingji bench visit`` (also ``python -m app.visit_benchmark``)."""
    parser = parser or argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="cpu")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--pace", choices=("realtime", "simulated"), default="realtime")
    parser.add_argument("--out", default="bench-visit", help="folder for the JSON and the timeline PNG")
    parser.add_argument("--template", default="outpatient-initial")
    parser.add_argument("--inputs", choices=("compact", "whole"), default="compact")
    parser.add_argument("--batch", action="store_true", help="decode the sections as one batch")
    parser.add_argument("--sections", choices=("all", "hybrid"), default=None,
                        help="hybrid: the LLM writes 现病史 and 处理意见, the rest is extractive (default on a CPU, "
                             "as the product drafts there); all: the LLM writes every section (default on a GPU)")
    parser.add_argument("--asr-threads", type=int, default=0, help="0: every core")
    parser.add_argument("--diarization-threads", type=int, default=0,
                        help="torch threads (0: every core); live diarization uses one while it yields to ASR")
    parser.add_argument("--llm-threads", type=int, default=0, help="0: every core")
    parser.add_argument("--diarization-step", type=float, default=0.0,
                        help="seconds between live diarization windows; 0: the product's choice for the device "
                             "(app.live.live_diarization_options: 5 s on a CPU)")
    parser.add_argument("--no-yield", dest="yield_to_asr", action="store_false",
                        help="live diarization at normal priority with its own torch threads")
    parser.add_argument("--min-silence-ms", type=int, default=500)
    parser.add_argument("--beam-size", type=int, default=1)
    parser.add_argument("--no-naive", dest="naive", action="store_false")
    parser.add_argument("--variants", action="store_true", help="also time each record-stage choice (table)")
    return parser


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    """Run the benchmark from command-line words, or from options already parsed by ``tingji bench visit``."""
    args = args if args is not None else build_parser().parse_args(argv)
    if not args.llm_threads:
        from asr.model import default_threads

        args.llm_threads = default_threads()
    report = run(args)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if "skipped" in report:
        print(report["skipped"], file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
