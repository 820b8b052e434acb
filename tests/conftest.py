"""Shared fixtures: tiny random models (Whisper, pyannote, Qwen2) built by the project, synthesized audio, no network."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("TINGJI_MODEL_CACHE", str(ROOT / ".cache" / "random-models"))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
os.environ.setdefault("TINGJI_LOG_DIR", str(ROOT / ".cache" / "test-logs"))  # not the tester's own log folder


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test runs with outbound connections refused (loopback and Unix sockets stay usable)."""
    original = socket.socket.connect

    def guarded(self, address, *args, **kwargs):
        if self.family == socket.AF_UNIX:
            return original(self, address, *args, **kwargs)
        host = address[0] if isinstance(address, tuple) else address
        if host in ("127.0.0.1", "::1", "localhost"):
            return original(self, address, *args, **kwargs)
        raise OSError(101, f"test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def tiny_whisper() -> Path:
    """A tiny random multilingual 80-mel Whisper in the converted-folder layout (cached between runs)."""
    from asr.random_whisper import cached_random_whisper

    return cached_random_whisper("tiny-test")


@pytest.fixture(scope="session")
def tiny_whisper_128() -> Path:
    """The 128-mel variant (large-v3 / turbo front end)."""
    from asr.random_whisper import cached_random_whisper

    return cached_random_whisper("tiny-test-128")


@pytest.fixture(scope="session")
def engine(tiny_whisper):
    from asr.model import load_whisper

    return load_whisper(tiny_whisper, device="cpu", threads=1)


@pytest.fixture(scope="session")
def visit_audio():
    """A synthesized two-voice Mandarin exchange (float32, 16 kHz)."""
    from audio_fixtures import two_voice_visit

    return two_voice_visit()


@pytest.fixture()
def model_copy(tiny_whisper, tmp_path) -> Path:
    """A writable copy of the tiny model, for tests that break it."""
    import shutil

    target = tmp_path / "model"
    shutil.copytree(tiny_whisper, target)
    return target


@pytest.fixture(scope="session")
def tiny_diarization() -> Path:
    """A tiny random pyannote speaker-diarization pipeline folder with its manifest (cached between runs)."""
    from diarization.random_models import cached_random_pipeline

    return cached_random_pipeline("tiny-test")


@pytest.fixture(scope="session")
def diar_engine(tiny_diarization):
    from diarization.model import load_diarization

    return load_diarization(tiny_diarization, device="cpu")


@pytest.fixture()
def diarization_copy(tiny_diarization, tmp_path) -> Path:
    """A writable copy of the tiny pipeline, for tests that tamper with it."""
    import shutil

    target = tmp_path / "diarization"
    shutil.copytree(tiny_diarization, target)
    return target


@pytest.fixture(scope="session")
def tiny_llm() -> Path:
    """A tiny random Qwen2 in the converted CTranslate2 layout (trained BPE tokenizer, ChatML template)."""
    from summarizer.random_llm import cached_random_qwen2

    return cached_random_qwen2("tiny-test")


@pytest.fixture(scope="session")
def llm_backend(tiny_llm):
    from summarizer.ct2_llm import load_llm

    return load_llm(tiny_llm, device="cpu", threads=1)


@pytest.fixture()
def llm_copy(tiny_llm, tmp_path) -> Path:
    """A private copy of the tiny LLM that a test may damage."""
    import shutil

    return Path(shutil.copytree(tiny_llm, tmp_path / "llm"))


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """A real llama-cpp-python OpenAI-compatible server on loopback, serving a tiny random Qwen2 GGUF."""
    from llama_server import LlamaServer, build_tiny_gguf

    folder = tmp_path_factory.mktemp("llama")
    server = LlamaServer(build_tiny_gguf(folder / "tiny-qwen2.gguf"), folder / "server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
