"""The clinic-server backend against a real OpenAI-compatible server (llama-cpp-python, tiny random Qwen2 GGUF)."""

import json
import socket
import threading

import pytest

from app.sample_visit import load_sample_visit
from asr.types import to_dict
from cli_runner import tingji
from diarization.types import LabelledTranscript
from llama_server import free_port
from summarizer.errors import ServerError, ServerUnavailable
from summarizer.llm_record import draft_record, draft_with_fallback
from summarizer.llm_types import ChatPrompt, GenerationOptions
from summarizer.server_llm import ServerConfig, connect
from summarizer.templates import find_template


def _prompts(n=2):
    return [ChatPrompt(({"role": "system", "content": "你是门诊病历书写助手。"},
                        {"role": "user", "content": f"请书写第{i}部分。"}), max_new_tokens=8) for i in range(n)]


def test_connect_lists_the_served_model(llama_server):
    backend = connect(ServerConfig(url=llama_server.url))
    assert backend.model == "tiny-qwen2"
    assert backend.info["server"].startswith("http://127.0.0.1:")
    with pytest.raises(ServerError, match="does not serve"):
        connect(ServerConfig(url=llama_server.url, model="qwen2.5-7b"))


def test_answers_stream_for_every_prompt(llama_server):
    backend = connect(ServerConfig(url=llama_server.url))
    pieces = {}
    outputs = backend.generate(_prompts(3), GenerationOptions(),
                               on_text=lambda i, t: pieces.setdefault(i, []).append(t))
    assert len(outputs) == 3
    for i, output in enumerate(outputs):
        assert output.text == "".join(pieces.get(i, []))
        assert output.new_tokens <= 8 and output.prompt_tokens > 0
        assert output.finish_reason in ("stop", "length")
    assert any(o.text for o in outputs)


def test_record_through_the_server(llama_server):
    visit = load_sample_visit()
    template = find_template("outpatient-initial")
    backend = connect(ServerConfig(url=llama_server.url, context_tokens=2048))
    record = draft_record(visit.utterances[:8], template, backend, visit_id="sample",
                          options=GenerationOptions(batch=False))
    assert [s.id for s in record.sections] == [s.id for s in template.sections]
    assert record.provenance.backend == "server" and record.provenance.model["name"] == "tiny-qwen2"
    ids = {u.id for u in visit.utterances[:8]}
    assert all(set(x.evidence) <= ids for s in record.sections for x in s.sentences)


def test_unreachable_server_is_reported_after_the_retries():
    port = free_port()
    with pytest.raises(ServerUnavailable, match="tried 2 times"):
        connect(ServerConfig(url=f"http://127.0.0.1:{port}/v1", retries=1, timeout_s=2))


def test_silent_server_times_out():
    """A listener that accepts and never answers (a hung server): the wait is bounded by the timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    accepted = []
    thread = threading.Thread(target=lambda: [accepted.append(listener.accept()) for _ in range(2)], daemon=True)
    thread.start()
    try:
        with pytest.raises(ServerUnavailable):
            connect(ServerConfig(url=f"http://127.0.0.1:{listener.getsockname()[1]}/v1", retries=0, timeout_s=0.5))
    finally:
        listener.close()


def test_fallback_to_the_local_model_is_recorded(llm_backend):
    visit = load_sample_visit()
    dead = f"http://127.0.0.1:{free_port()}/v1"
    record = draft_with_fallback(
        visit.utterances[:6], find_template("outpatient-initial"),
        [lambda: connect(ServerConfig(url=dead, retries=0)), lambda: llm_backend], visit_id="v")
    assert record.provenance.backend == "ctranslate2"
    assert any("fallback" in n and dead in n for n in record.provenance.notes)


def test_api_key_is_sent_and_checked(tmp_path):
    from llama_server import LlamaServer, build_tiny_gguf

    server = LlamaServer(build_tiny_gguf(tmp_path / "m.gguf"), tmp_path / "log.txt", api_key="s3cret")
    try:
        server.wait_ready()
        with pytest.raises(ServerError, match="API key"):
            connect(ServerConfig(url=server.url, api_key="wrong"))
        assert connect(ServerConfig(url=server.url, api_key="s3cret")).model == "tiny-qwen2"
    finally:
        server.stop()


def test_cli_note_with_the_server_and_only_that_address_reachable(llama_server, tmp_path):
    visit = load_sample_visit()
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(to_dict(LabelledTranscript(tuple(visit.utterances[:6]), (), 20.0, "zh")),
                               ensure_ascii=False), encoding="utf-8")
    address = llama_server.url.split("//")[1].split("/")[0]
    proc, attempts = tingji("note", path, "--backend", "server", "--server-url", llama_server.url,
                            "--server-context", "2048", "--output", tmp_path / "r.json", tmp_path=tmp_path,
                            env_extra={"TINGJI_NETBLOCK_ALLOW": address})
    assert proc.returncode == 0, proc.stderr
    assert attempts == ""
    record = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert record["provenance"]["backend"] == "server"
    assert proc.stdout.startswith("主诉：")


def test_cli_falls_back_to_extractive_when_the_server_is_down(tmp_path):
    visit = load_sample_visit()
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(to_dict(LabelledTranscript(tuple(visit.utterances), (), 107.0, "zh")),
                               ensure_ascii=False), encoding="utf-8")
    proc, _ = tingji("note", path, "--backend", "server", "--server-url", f"http://127.0.0.1:{free_port()}/v1",
                     "--retries", "0", "--output", tmp_path / "r.json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "fall" in proc.stderr and "咳嗽" in proc.stdout
    record = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert record["provenance"]["backend"] == "extractive"
    assert any("unreachable" in n for n in record["provenance"]["notes"])
