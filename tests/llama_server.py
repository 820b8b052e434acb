"""A real OpenAI-compatible server for the server-backend tests: llama-cpp-python serving a tiny random Qwen2 GGUF.

The GGUF is written here with the ``gguf`` package: Qwen2 architecture tensors with random weights, and the same
byte-level BPE tokenizer and ChatML template as the tiny CTranslate2 model (:mod:`summarizer.random_llm`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from summarizer.random_llm import CHAT_TEMPLATE, SHAPES, SPECIAL_TOKENS, train_tokenizer

__all__ = ["build_tiny_gguf", "free_port", "LlamaServer"]


def build_tiny_gguf(path: Path, seed: int = 0) -> Path:
    """Write a tiny random Qwen2 model as a GGUF file (float32 tensors)."""
    import gguf

    shape = SHAPES["tiny-test"]
    tokenizer = train_tokenizer()
    document = json.loads(tokenizer.to_str())
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda item: item[1])]
    merges = [m if isinstance(m, str) else " ".join(m) for m in document["model"]["merges"]]
    rng = np.random.default_rng(seed)
    d, heads, kv_heads, ffn = shape.hidden, shape.heads, shape.kv_heads, shape.intermediate
    kv = kv_heads * (d // heads)

    def normal(*dims):
        return (rng.standard_normal(dims) / np.sqrt(dims[-1])).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "qwen2")
    writer.add_name("tingji-tiny-qwen2")
    writer.add_context_length(shape.context)
    writer.add_embedding_length(d)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_freq_base(shape.rope_theta)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.CONTROL if t in SPECIAL_TOKENS else gguf.TokenType.NORMAL
                            for t in tokens])
    writer.add_token_merges(merges)
    writer.add_eos_token_id(vocab["<|im_end|>"])
    writer.add_bos_token_id(vocab["<|endoftext|>"])
    writer.add_pad_token_id(vocab["<|endoftext|>"])
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    writer.add_tensor("token_embd.weight", normal(len(tokens), d))
    for i in range(shape.layers):
        block = f"blk.{i}."
        writer.add_tensor(block + "attn_norm.weight", np.ones(d, dtype=np.float32))
        for name, rows in (("attn_q", d), ("attn_k", kv), ("attn_v", kv)):
            writer.add_tensor(block + name + ".weight", normal(rows, d))
            writer.add_tensor(block + name + ".bias", np.zeros(rows, dtype=np.float32))
        writer.add_tensor(block + "attn_output.weight", normal(d, d))
        writer.add_tensor(block + "ffn_norm.weight", np.ones(d, dtype=np.float32))
        writer.add_tensor(block + "ffn_gate.weight", normal(ffn, d))
        writer.add_tensor(block + "ffn_up.weight", normal(ffn, d))
        writer.add_tensor(block + "ffn_down.weight", normal(d, ffn))
    writer.add_tensor("output_norm.weight", np.ones(d, dtype=np.float32))
    writer.add_tensor("output.weight", normal(len(tokens), d))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` on a loopback port, started and stopped by the tests."""

    def __init__(self, model: Path, log_path: Path, api_key: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.api_key = api_key
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                   "--port", str(self.port), "--n_ctx", "2048", "--n_threads", "1", "--model_alias", "tiny-qwen2"]
        if api_key:
            command += ["--api_key", api_key]
        self.log = open(log_path, "wb")
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Block until the port accepts connections (the server has loaded the model)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self.process.returncode}; see {self.log.name}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise TimeoutError(f"llama_cpp.server did not start within {timeout} s; see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
