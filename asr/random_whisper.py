"""Build random-weight CTranslate2 Whisper models offline, in the exact folder layout of a converted model.

Tests load the tiny variants through the real loading and inference code; benchmarks use the real sizes (compute cost
does not depend on the weight values). The folder holds ``model.bin``, ``config.json``, ``vocabulary.json``, a
Whisper-style byte-level BPE ``tokenizer.json`` with the same ids, and ``preprocessor_config.json``.

Whisper's vocabulary layout is reproduced: ordinary tokens (the last one is the empty string ``""``, which tells
CTranslate2 the model is multilingual), then ``<|endoftext|>``, ``<|startoftranscript|>``, the language tokens,
the task tokens, ``<|nospeech|>``, ``<|notimestamps|>`` and the 1,501 timestamp tokens.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.model_cache import cached_build, default_cache_dir

__all__ = ["WhisperShape", "SHAPES", "build_random_whisper", "cached_random_whisper", "default_cache_dir"]


BUILDER_VERSION = 2

LANGUAGES = (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi "
    "ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd "
    "gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue"
).split()

_CORPUS = (
    "医生您好，我咳嗽发烧三天了。哪里不舒服？有没有胸痛，呼吸困难？没有。以前有高血压，吃氨氯地平。"
    "对青霉素过敏吗？体温三十八度二，血压一百三十五，双肺呼吸音粗。血常规白细胞偏高，考虑肺炎。"
    "先吃阿奇霉素，多喝水，三天后复诊。头痛头晕，恶心呕吐，腹痛腹泻，糖尿病，心脏病，手术史。"
    "What brings you in today? I have had a cough and fever for three days. Any chest pain or shortness of "
    "breath? No. Take the medicine once a day and come back in three days. Blood pressure is fine."
)


@dataclass(frozen=True)
class WhisperShape:
    """Architecture of a Whisper variant (only what determines compute cost)."""

    d_model: int
    heads: int
    encoder_layers: int
    decoder_layers: int
    n_mels: int
    text_tokens: int  # ordinary tokens before <|endoftext|>


SHAPES: dict[str, WhisperShape] = {
    "tiny-test": WhisperShape(64, 2, 2, 2, 80, 0),  # text_tokens 0: a small trained BPE
    "tiny-test-128": WhisperShape(64, 2, 2, 2, 128, 0),
    "tiny": WhisperShape(384, 6, 4, 4, 80, 50257),
    "small": WhisperShape(768, 12, 12, 12, 80, 50257),
    "large-v3-turbo": WhisperShape(1280, 20, 32, 4, 128, 50257),
    "large-v3": WhisperShape(1280, 20, 32, 32, 128, 50257),
}


def _special_tokens() -> list[str]:
    return (
        ["<|endoftext|>", "<|startoftranscript|>"]
        + [f"<|{code}|>" for code in LANGUAGES]
        + ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]
        + ["<|%.2f|>" % (i * 0.02) for i in range(1501)]
    )


def _text_vocabulary(text_tokens: int) -> tuple[dict[str, int], list[str]]:
    """Train a byte-level BPE on a small medical corpus, then pad it to ``text_tokens`` (keeping "" last)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    target = 600 if text_tokens == 0 else min(text_tokens - 1, 2000)
    trainer = trainers.BpeTrainer(
        vocab_size=target, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    tokenizer.train_from_iterator([_CORPUS] * 4, trainer=trainer)
    model = json.loads(tokenizer.to_str())["model"]
    vocab = sorted(model["vocab"].items(), key=lambda item: item[1])
    tokens = [token for token, _ in vocab]
    if text_tokens:
        tokens += [f"<|unused{i}|>" for i in range(text_tokens - 1 - len(tokens))]
    tokens.append("")
    return {token: i for i, token in enumerate(tokens)}, [
        m if isinstance(m, str) else " ".join(m) for m in model["merges"]
    ]


def _tokenizer_json(vocab: dict[str, int], merges: list[str], specials: list[str]) -> str:
    """A Whisper-style ``tokenizer.json`` whose ids match ``vocabulary.json``."""
    first = len(vocab)
    added = [
        {
            "id": first + i,
            "content": token,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": not token[2:-2].replace(".", "").isdigit(),
        }
        for i, token in enumerate(specials)
    ]
    document = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": merges,
        },
    }
    return json.dumps(document, ensure_ascii=False)


def _fill_spec(spec, shape: WhisperShape, vocab_size: int, rng: np.random.Generator) -> None:
    d, ffn = shape.d_model, 4 * shape.d_model

    def normal(*dims, std=0.02):
        return (rng.standard_normal(dims, dtype=np.float32) * std).astype(np.float32)

    def linear(layer, out_dim, in_dim):
        layer.weight = normal(out_dim, in_dim, std=1.0 / np.sqrt(in_dim))
        layer.bias = np.zeros(out_dim, dtype=np.float32)

    def norm(layer):
        layer.gamma = np.ones(d, dtype=np.float32)
        layer.beta = np.zeros(d, dtype=np.float32)

    def attention(attn, cross: bool):
        norm(attn.layer_norm)
        if cross:
            linear(attn.linear[0], d, d)
            linear(attn.linear[1], 2 * d, d)
            linear(attn.linear[2], d, d)
        else:
            linear(attn.linear[0], 3 * d, d)
            linear(attn.linear[1], d, d)

    def feed_forward(layer):
        norm(layer.layer_norm)
        linear(layer.linear_0, ffn, d)
        linear(layer.linear_1, d, ffn)

    enc = spec.encoder
    enc.conv1.weight = normal(d, shape.n_mels, 3, std=0.1)
    enc.conv1.bias = np.zeros(d, dtype=np.float32)
    enc.conv2.weight = normal(d, d, 3, std=1.0 / np.sqrt(3 * d))
    enc.conv2.bias = np.zeros(d, dtype=np.float32)
    positions = np.arange(1500, dtype=np.float32)[:, None]
    scales = np.exp(-np.log(10000.0) * np.arange(d // 2, dtype=np.float32) / (d // 2 - 1))
    enc.position_encodings.encodings = np.concatenate(
        [np.sin(positions * scales), np.cos(positions * scales)], axis=1
    ).astype(np.float32)
    norm(enc.layer_norm)
    for layer in enc.layer:
        attention(layer.self_attention, cross=False)
        feed_forward(layer.ffn)

    dec = spec.decoder
    dec.embeddings.weight = normal(vocab_size, d)
    dec.position_encodings.encodings = normal(448, d, std=0.01)
    norm(dec.layer_norm)
    for layer in dec.layer:
        attention(layer.self_attention, cross=False)
        attention(layer.attention, cross=True)
        feed_forward(layer.ffn)
    dec.projection.weight = dec.embeddings.weight


def build_random_whisper(
    output_dir: str | os.PathLike, size: str = "tiny-test", *, quantization: str | None = None, seed: int = 0
) -> Path:
    """Write a random-weight Whisper model in CTranslate2's converted-folder layout.

    Args:
        output_dir: Folder to create (must not exist or be empty).
        size: A key of :data:`SHAPES`.
        quantization: Stored weight type (``"int8"``, ``"float16"``...); ``None`` keeps float32.
        seed: Random seed (the same seed gives the same model).

    Returns:
        The folder.
    """
    from ctranslate2.specs import whisper_spec

    shape = SHAPES[size]
    rng = np.random.default_rng(seed)
    vocab, merges = _text_vocabulary(shape.text_tokens)
    specials = _special_tokens()
    tokens = list(vocab) + specials
    index = {token: i for i, token in enumerate(tokens)}

    spec = whisper_spec.WhisperSpec(shape.encoder_layers, shape.heads, shape.decoder_layers, shape.heads)
    _fill_spec(spec, shape, len(tokens), rng)
    spec.register_vocabulary(tokens)
    config = spec.config
    space = index.get("Ġ")
    config.suppress_ids = [index["<|startoftranscript|>"], index["<|translate|>"], index["<|transcribe|>"],
                           index["<|startoflm|>"], index["<|startofprev|>"], index["<|nospeech|>"]]
    config.suppress_ids_begin = [i for i in (space, index["<|endoftext|>"]) if i is not None]
    config.lang_ids = [index[f"<|{code}|>"] for code in LANGUAGES]
    config.alignment_heads = [
        (layer, head) for layer in range(shape.decoder_layers // 2, shape.decoder_layers) for head in range(shape.heads)
    ]
    spec.validate()
    spec.optimize(quantization=quantization)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))
    (out / "tokenizer.json").write_text(_tokenizer_json(vocab, merges, specials), encoding="utf-8")
    preprocessor = {
        "chunk_length": 30,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": shape.n_mels,
        "hop_length": 160,
        "n_fft": 400,
        "n_samples": 480000,
        "nb_max_frames": 3000,
        "padding_side": "right",
        "padding_value": 0.0,
        "return_attention_mask": False,
        "sampling_rate": 16000,
    }
    (out / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2), encoding="utf-8")
    return out


def cached_random_whisper(
    size: str = "tiny-test", *, quantization: str | None = None, cache_dir: str | os.PathLike | None = None
) -> Path:
    """Return a cached random model folder, building it once (atomically) if needed.

    Args:
        size: A key of :data:`SHAPES`.
        quantization: Stored weight type; real-size benchmark models use ``"int8"``.
        cache_dir: Cache root (default :func:`asr.model_cache.default_cache_dir`).

    Returns:
        The model folder; treat it as read-only.
    """
    return cached_build(
        f"whisper-{size}-{quantization or 'float32'}-v{BUILDER_VERSION}",
        "tokenizer.json",
        lambda folder: build_random_whisper(folder, size, quantization=quantization),
        cache_dir,
    )
