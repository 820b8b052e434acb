"""``tingji bench visit`` with tiny models on a ~20-second visit at the simulated pace: the JSON is complete and sane."""

import json

import pytest

from app import visit_benchmark
from app.visit_bench_script import build_visit, tts_tokens


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-visit")
    args = visit_benchmark.build_parser().parse_args(
        ["--profile", "tiny", "--minutes", "0.35", "--pace", "simulated", "--out", str(out), "--variants",
         "--llm-threads", "1"])
    return visit_benchmark.run(args)


def test_the_report_has_every_figure_the_issue_asks_for(report):
    for key in ("time_to_note_s", "after_stop_s", "live", "llm_speed", "peak_rss_mb", "naive", "naive_over_live_ratio",
                "timeline_png", "honesty", "pace_means", "variants", "threads", "choices"):
        assert key in report, key
    for key in ("asr_tail_s", "diarization_tail_s", "labelling_s", "facts_prompts_s", "llm_s", "record_check_s"):
        assert report["after_stop_s"][key] >= 0, key
    for key in ("prefill_tokens_per_s", "decode_tokens_per_s", "decode_roofline_tokens_per_s"):
        assert report["llm_speed"][key] > 0, key
    assert {"copy_gbs", "read_gbs"} <= set(report["llm_speed"]["memory_bandwidth"])


def test_time_to_note_is_the_sum_of_the_stages_after_stop(report):
    stages = report["after_stop_s"]
    assert report["time_to_note_s"] == pytest.approx(sum(stages.values()), abs=0.05)
    assert report["time_to_note_s"] > 0


def test_live_lag_and_memory_are_plausible(report):
    live = report["live"]
    assert live["segments"] > 0
    assert 0 <= live["lag_p50_s"] <= live["lag_p95_s"] <= live["lag_max_s"]
    assert live["busy_s"]["asr"] > 0 and live["busy_s"]["diarization"] > 0
    assert 50 < report["peak_rss_mb_live_and_record"] <= report["peak_rss_mb"] < 16_000


def test_every_section_decodes_its_forced_length(report):
    llm = report["record"]["llm"]
    # On a CPU the product lets the LLM write the prose sections only (现病史, 处理意见); the rest come from facts.
    assert report["choices"]["sections"] == "hybrid"
    assert llm["sections"] == 2 and len(llm["new_tokens"]) == 2
    assert report["record"]["new_tokens"] == sum(llm["new_tokens"])
    assert all(n >= 1 for n in llm["new_tokens"])
    assert llm["mode"] == "sequential"


def test_naive_processing_runs_every_stage_after_stop(report):
    naive = report["naive"]
    assert naive["asr_s"] > 0 and naive["diarization_s"] > 0 and naive["record_s"] > 0
    assert naive["total_s"] >= naive["asr_s"] + naive["diarization_s"]
    assert report["naive_over_live_ratio"] == pytest.approx(naive["total_s"] / report["time_to_note_s"], rel=0.1)


def test_variants_compare_whole_and_compact_inputs_and_hybrid_sections(report):
    rows = {row["choice"].split(",")[0]: row for row in report["variants"]}
    assert {"whole transcript", "compact inputs", "hybrid: LLM writes 现病史 + 处理意见"} <= set(rows)
    hybrid = [r for r in report["variants"] if r["choice"].startswith("hybrid")]
    full = [r for r in report["variants"] if r["choice"].startswith("compact inputs, sequential, cached")][0]
    assert all(r["new_tokens"] < full["new_tokens"] for r in hybrid)
    assert all(r["record_s"] > 0 for r in report["variants"])


def test_the_timeline_png_is_written(report):
    from pathlib import Path

    data = Path(report["timeline_png"]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    stages = {name for name, _, _ in report["timeline"]}
    assert {"asr tail", "diarization tail", "facts + prompts", "record check"} <= stages
    assert any(s.startswith("llm") for s in stages) and any(s.startswith("naive") for s in stages)
    saved = json.loads((Path(report["timeline_png"]).parent / "visit-tiny-simulated.json").read_text())
    assert saved["time_to_note_s"] == report["time_to_note_s"]


def test_the_gpu_profile_is_skipped_with_a_message_without_cuda(monkeypatch, tmp_path, capsys):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert visit_benchmark.main(["--profile", "gpu", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "no CUDA device" in json.loads(captured.out)["skipped"]
    assert "no CUDA device" in captured.err


def test_the_looped_visit_keeps_the_script_density_and_unique_ids():
    visit = build_visit(3, cache=False)
    assert visit.duration == 180 and visit.audio.size == 180 * 16000
    ids = [u.id for u in visit.utterances]
    assert len(ids) == len(set(ids)) and ids[0] == "u001"
    assert all(a.end <= b.start for a, b in zip(visit.utterances, visit.utterances[1:]))
    assert visit.utterances[-1].end <= 180
    assert 50 < len(visit.utterances) < 70  # 33 utterances per 106.5 s of the sample
    assert {u.role for u in visit.utterances} == {"doctor", "patient"}


def test_qwen_token_estimate_counts_chinese_below_one_token_per_character():
    assert tts_tokens("咳嗽发热三天") == 4
    assert tts_tokens("38.6") == 4
    assert tts_tokens("") == 1


def test_compact_prompts_hold_the_facts_and_only_their_utterances():
    from app.sample_visit import load_sample_visit
    from summarizer.extractive import build_record
    from summarizer.prompts import build_compact_prompts, build_section_prompts
    from summarizer.templates import find_template

    utterances = load_sample_visit().utterances
    template = find_template("outpatient-initial")
    reference = build_record(utterances, template, verify=False)
    compact = build_compact_prompts(template, utterances, reference)
    whole = build_section_prompts(template, utterances, count_tokens=lambda p: 0, context_tokens=32768)
    assert [p.section.id for p in compact] == [s.id for s in template.sections]
    allergy = next(p for p in compact if p.section.id == "allergy_history")
    text = allergy.prompt.messages[1]["content"]
    assert "青霉素" in text and "[u016]" in text
    assert "[u008]" not in text  # the fever answer belongs to other sections
    assert allergy.omitted == len(utterances) - len(allergy.utterance_ids) > 0
    assert sum(len(p.prompt.messages[1]["content"]) for p in compact) < sum(
        len(p.prompt.messages[1]["content"]) for p in whole)


def test_a_compact_record_reads_fewer_tokens_and_says_so(llm_backend):
    from app.sample_visit import load_sample_visit
    from summarizer.llm_record import draft_record
    from summarizer.templates import find_template

    utterances = load_sample_visit().utterances
    template = find_template("outpatient-initial")
    compact = draft_record(utterances, template, llm_backend, compact=True)
    whole = draft_record(utterances, template, llm_backend)
    assert [s.id for s in compact.sections] == [s.id for s in template.sections]
    assert compact.provenance.options["compact"] is True and whole.provenance.options["compact"] is False
    assert compact.provenance.timings["prompt_tokens"] < whole.provenance.timings["prompt_tokens"]
    assert not any("exceeds the model's context" in n for n in compact.provenance.notes)


def test_the_cli_command_runs_the_benchmark_with_the_products_choices(tmp_path):
    import json

    from cli_runner import tingji

    proc, attempts = tingji("bench", "visit", "--profile", "tiny", "--minutes", "0.2", "--pace", "simulated",
                            "--out", str(tmp_path / "out"), "--no-naive", "--llm-threads", "1", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert attempts == ""
    report = json.loads(proc.stdout)
    assert report["choices"]["sections"] == "hybrid" and report["choices"]["diarization_yields_to_asr"] is True
    assert report["time_to_note_s"] > 0 and (tmp_path / "out").is_dir()
