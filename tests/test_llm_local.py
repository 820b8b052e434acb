"""The local LLM backend with a tiny random Qwen2 through the real CTranslate2 code, and the record it drafts."""

import dataclasses
import json

import pytest

from app.sample_visit import load_sample_visit
from asr.manifest import write_manifest
from summarizer.ct2_llm import common_prefix, inspect_llm_dir, load_llm
from summarizer.errors import LlmModelError
from summarizer.llm_record import EmptyTranscriptError, draft_record
from summarizer.llm_types import ChatPrompt, GenerationOptions
from summarizer.templates import find_template


def _prompts(n=3, max_new_tokens=12):
    return [ChatPrompt(({"role": "system", "content": "你是门诊病历书写助手。"},
                        {"role": "user", "content": f"<对话>\n[u001] 患者：咳嗽三天。\n</对话>\n请书写第{i}部分。"}),
                       prefix=f"第{i}部分：", max_new_tokens=max_new_tokens) for i in range(n)]


def test_folder_is_described_before_loading(tiny_llm):
    info = inspect_llm_dir(tiny_llm)
    assert info["layers"] == 2 and info["hidden"] == 64 and info["context"] == 2048
    assert info["vocabulary"] > 500 and info["verified"] is False


@pytest.mark.parametrize("damage, named", [
    (lambda d: (d / "tokenizer.json").unlink(), "tokenizer.json"),
    (lambda d: (d / "vocabulary.json").unlink(), "vocabulary.json"),
    (lambda d: (d / "model.bin").write_bytes(b"not a model"), "model.bin"),
    (lambda d: [(d / n).unlink() for n in ("chat_template.jinja", "tokenizer_config.json")], "chat template"),
])
def test_incomplete_folders_are_refused_with_the_file_named(llm_copy, damage, named):
    damage(llm_copy)
    with pytest.raises(LlmModelError) as error:
        load_llm(llm_copy, device="cpu")
    assert named in str(error.value)


def test_a_whisper_folder_is_not_taken_for_an_llm(tiny_whisper):
    with pytest.raises(LlmModelError, match="not a causal language model"):
        inspect_llm_dir(tiny_whisper)


def test_manifest_is_checked_when_present(llm_copy):
    write_manifest(llm_copy)
    assert inspect_llm_dir(llm_copy)["verified"] is True
    data = bytearray((llm_copy / "model.bin").read_bytes())
    data[-1] ^= 0xFF
    (llm_copy / "model.bin").write_bytes(bytes(data))
    with pytest.raises(LlmModelError, match="model.bin"):
        load_llm(llm_copy, device="cpu")


def test_chat_template_is_used_and_the_heading_prefilled(llm_backend):
    tokens = llm_backend._tokens(_prompts(1)[0])
    tokenizer = llm_backend.tokenizer
    text = tokenizer.decode([tokenizer.token_to_id(t) for t in tokens], skip_special_tokens=False)
    assert text.startswith("<|im_start|>system\n你是门诊病历书写助手。<|im_end|>")
    assert text.endswith("<|im_start|>assistant\n第0部分：")
    assert tokens.count("<|im_start|>") == 3


def test_tokens_stream_and_batch_equals_sequential(llm_backend):
    streamed = {}
    batch = llm_backend.generate(_prompts(), GenerationOptions(batch=True),
                                 on_text=lambda i, t: streamed.setdefault(i, []).append(t))
    sequential = llm_backend.generate(_prompts(), GenerationOptions(batch=False))
    assert [o.text for o in batch] == [o.text for o in sequential]
    assert set(streamed) == {0, 1, 2} and all(len(v) > 1 for v in streamed.values())
    assert all(o.new_tokens <= 12 and o.prompt_tokens > 20 for o in batch)
    shared = batch[0].timings["shared_prefix_tokens"]
    assert shared > 20 and shared == common_prefix([llm_backend._tokens(p) for p in _prompts()])
    assert llm_backend.generate(_prompts(), GenerationOptions(cache_prefix=False))[0].timings[
        "shared_prefix_tokens"] == 0


def test_record_of_the_sample_visit(llm_backend):
    visit = load_sample_visit()
    template = find_template("outpatient-initial")
    seen = []
    record = draft_record(visit.utterances, template, llm_backend, visit_id="sample",
                          on_text=lambda section, text: seen.append(section))
    assert [s.id for s in record.sections] == [s.id for s in template.sections]
    assert set(seen) <= {s.id for s in template.sections} and len(set(seen)) >= 2
    ids = {u.id for u in visit.utterances}
    assert all(set(sentence.evidence) <= ids for s in record.sections for sentence in s.sentences)
    p = record.provenance
    assert p.backend == "ctranslate2" and p.model["layers"] == 2 and p.model["compute_type"] == "int8"
    assert p.template_id == "outpatient-initial" and p.template_sha256 == template.sha256
    assert p.timings["new_tokens"] > 0 and p.timings["prompt_tokens"] > 1000
    # The tiny model's context (2,048) is smaller than this visit: sections got the relevant utterances, and
    # the record says so.
    assert any("exceeds the model's context" in n for n in p.notes)
    assert json.loads(record.to_json())["provenance"]["backend"] == "ctranslate2"
    # Every sentence went through the support check; a random model's text is not supported by the visit.
    verdicts = [x.verdict for s in record.sections for x in s.sentences]
    assert verdicts and "unchecked" not in verdicts and verdicts.count("supported") < len(verdicts)


def test_the_llm_writes_only_the_prose_sections_and_the_rest_comes_from_the_facts(llm_backend):
    from summarizer.extractive import build_record
    from summarizer.llm_record import llm_section_ids

    visit = load_sample_visit()
    template = find_template("outpatient-initial")
    seen = []
    record = draft_record(visit.utterances, template, llm_backend, visit_id="sample", compact=True,
                          llm_sections="prose", on_text=lambda section, text: seen.append(section))
    facts = build_record(visit.utterances, template, visit_id="sample")
    assert [s.id for s in record.sections] == [s.id for s in template.sections]
    assert set(seen) == {"present_illness", "plan"}
    by_id = {s.id: s for s in record.sections}
    for section in facts.sections:
        if section.id not in ("present_illness", "plan"):
            assert [x.text for x in by_id[section.id].sentences] == [x.text for x in section.sentences]
    assert [x.text for x in by_id["present_illness"].sentences] != [
        x.text for x in facts.sections[[s.id for s in facts.sections].index("present_illness")].sentences]
    p = record.provenance
    assert p.options["llm_sections"] == ["present_illness", "plan"] and p.options["compact"] is True
    assert any(n.startswith("written from the extracted facts") and "主诉" in n for n in p.notes)
    assert llm_section_ids(template, "chief_complaint, plan") == ("chief_complaint", "plan")
    assert llm_section_ids(template, None) is None and llm_section_ids(template, "all") is None
    with pytest.raises(ValueError, match="no section nonsense"):
        llm_section_ids(template, "plan,nonsense")


@pytest.mark.parametrize("flags, compact, sections", [
    ([], True, ["present_illness", "plan"]),  # auto on a CPU: the time-to-note profile
    (["--llm-sections", "all", "--llm-inputs", "whole"], False, "all"),
    (["--llm-sections", "chief_complaint"], True, ["chief_complaint"]),
])
def test_the_cli_and_window_drafter_chooses_the_record_shape_by_device(tiny_llm, flags, compact, sections):
    import argparse

    from app.commands.note import add_backend_arguments, drafter_from_args

    parser = argparse.ArgumentParser()
    add_backend_arguments(parser)
    args = parser.parse_args(["--backend", "ctranslate2", "--llm", str(tiny_llm), "--llm-device", "cpu", *flags])
    draft = drafter_from_args(args)
    record = draft(load_sample_visit().utterances, "outpatient-initial", "v1")
    assert record.provenance.options["compact"] is compact
    assert record.provenance.options["llm_sections"] == sections
    template = find_template("outpatient-initial")
    regenerated = draft(load_sample_visit().utterances,
                        dataclasses.replace(template, sections=(template.section("diagnosis"),)), "v1")
    assert regenerated.provenance.options["llm_sections"] == "all", "a section the doctor regenerates is the LLM's"


def test_speechless_visit_gives_no_record(llm_backend):
    with pytest.raises(EmptyTranscriptError, match="no recognised speech"):
        draft_record([], find_template("outpatient-initial"), llm_backend)


def test_a_model_converted_by_ctranslate2s_own_converter_loads(tmp_path):
    from summarizer.random_llm import convert_tiny_hf_qwen2

    folder = convert_tiny_hf_qwen2(tmp_path / "converted")
    backend = load_llm(folder, device="cpu", threads=1)
    assert backend.info["context"] == 2048 and "<|im_end|>" in backend.end_tokens
    out = backend.generate(_prompts(2, 5), GenerationOptions())
    assert all(o.new_tokens >= 1 for o in out)


def test_benchmark_measures_every_figure_on_the_tiny_shape():
    from summarizer.llm_benchmark import SECTION_TOKENS, run_one

    result = run_one("tiny-test", threads=1, prompt_tokens=64, decode_tokens=4)
    assert result["prefill_tokens_per_s"] > 0 and set(result["decode_tokens_per_s"]) == {"500", "64"}
    assert result["memory_bandwidth_gbs"] > 0 and result["decode_roofline_tokens_per_s"] > 0
    record = result["record_10min_visit"]
    assert record["new_tokens"] == sum(SECTION_TOKENS) and record["batched_prefix_cached_s"] > 0
    assert result["peak_rss_mb"] > 0
