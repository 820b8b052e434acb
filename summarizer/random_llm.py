"""Random-weight Qwen2 models in the folder layout of ``ct2-transformers-converter`` output, built offline.

Tests load the tiny variant through the real CTranslate2 loading and generation code; benchmarks use the real
Qwen2.5 shapes (compute cost does not depend on the weight values). The folder holds ``model.bin``, ``config.json``
and ``vocabulary.json`` as the converter writes them, plus the files it copies from the Hugging Face folder:
``tokenizer.json`` (a byte-level BPE trained here on a small bilingual medical corpus, with Qwen's ChatML special
tokens), ``tokenizer_config.json`` (with the chat template and the context length) and ``chat_template.jinja``.

The weights are written straight into CTranslate2's spec (no torch), with the same structure the converter's
``Qwen2Loader`` produces: fused q/k/v with biases, grouped-query attention, SwiGLU feed-forward, RMS norms, rotary
positions. :func:`convert_tiny_hf_qwen2` instead runs the real converter on a tiny ``transformers`` model, to prove
the loader reads what IT will produce.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.model_cache import cached_build

__all__ = ["QwenShape", "SHAPES", "CHAT_TEMPLATE", "build_random_qwen2", "cached_random_qwen2",
           "convert_tiny_hf_qwen2", "train_tokenizer"]

BUILDER_VERSION = 1

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")

# Qwen2.5's ChatML template, reduced to what a record prompt needs (system / user / assistant turns).
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

_CORPUS = (
    "主诉：咳嗽、发热3天。现病史：患者3天前受凉后出现咳嗽，咳黄痰，伴发热，最高体温38.6℃。无胸痛、呼吸困难、咯血。"
    "既往史：高血压5年，口服氨氯地平5mg每日一次。否认糖尿病史。过敏史：青霉素过敏（皮疹）。否认食物过敏史。"
    "体格检查：T 38.2℃，BP 135/85mmHg。咽部充血，双肺呼吸音粗，右下肺可闻及少量湿啰音。辅助检查：血常规白细胞偏高。"
    "初步诊断：社区获得性肺炎。处理意见：阿奇霉素0.5g口服每日一次，共3天；多饮水，3天后复诊。未提及。"
    "医生：哪里不舒服？患者：我咳嗽发烧三天了。医生：有没有胸痛？患者：没有。医生：对什么药过敏吗？"
    "Chief complaint: cough and fever for three days. No chest pain or shortness of breath. Not discussed. "
    "Assessment: community-acquired pneumonia. Plan: azithromycin 500 mg once daily for three days. "
    "Doctor: What brings you in today? Patient: I have had a cough. Allergies: penicillin (rash). "
)


@dataclass(frozen=True)
class QwenShape:
    """Architecture of a Qwen2 variant (what determines compute cost and memory)."""

    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int
    vocab: int  # 0: the small trained tokenizer's own size
    context: int
    rope_theta: float = 1_000_000.0
    tied_embeddings: bool = False


SHAPES: dict[str, QwenShape] = {
    "tiny-test": QwenShape(64, 2, 4, 2, 128, 0, 2048),
    "qwen2.5-0.5b": QwenShape(896, 24, 14, 2, 4864, 151936, 32768, tied_embeddings=True),
    "qwen2.5-1.5b": QwenShape(1536, 28, 12, 2, 8960, 151936, 32768, tied_embeddings=True),
    "qwen2.5-3b": QwenShape(2048, 36, 16, 2, 11008, 151936, 32768, tied_embeddings=True),
    "qwen2.5-7b": QwenShape(3584, 28, 28, 4, 18944, 152064, 32768),
}


def train_tokenizer(vocab_size: int = 800):
    """A byte-level BPE (GPT-2 / Qwen style pre-tokenisation) with ChatML specials, trained on a small corpus.

    Returns:
        A ``tokenizers.Tokenizer``; the special tokens come first (ids 0–2) and are never split from text.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tokenizer.train_from_iterator([_CORPUS] * 4, trainer=trainer)
    return tokenizer


def _tokens(tokenizer, size: int) -> list[str]:
    vocab = sorted(tokenizer.get_vocab(with_added_tokens=True).items(), key=lambda item: item[1])
    tokens = [token for token, _ in vocab]
    if size:
        tokens += [f"<|extra_{i}|>" for i in range(size - len(tokens))]
    return tokens


def _padded_tokenizer_json(tokenizer, tokens: list[str]) -> str:
    """``tokenizer.json`` whose vocabulary has every id of the model (padding tokens are never produced by BPE)."""
    document = json.loads(tokenizer.to_str())
    vocab = document["model"]["vocab"]
    for i, token in enumerate(tokens):
        if token not in vocab and token not in SPECIAL_TOKENS:
            vocab[token] = i
    return json.dumps(document, ensure_ascii=False)


def _write_tokenizer_files(out: Path, tokenizer, tokens: list[str], context: int) -> None:
    (out / "tokenizer.json").write_text(_padded_tokenizer_json(tokenizer, tokens), encoding="utf-8")
    config = {
        "tokenizer_class": "Qwen2Tokenizer", "model_max_length": context, "bos_token": None,
        "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": None,
        "add_prefix_space": False, "chat_template": CHAT_TEMPLATE,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "chat_template.jinja").write_text(CHAT_TEMPLATE, encoding="utf-8")


def _weights(rng: np.random.Generator, int8: bool):
    """Setter for a weight matrix: float32 N(0, std²), or (for real sizes) int8 values with a per-row scale.

    Writing int8 directly keeps a 7B build within about 8 GB of memory (float32 would need 30 GB); the scale
    gives the same spread as the float version, and compute cost does not depend on the values.
    """
    def put(owner, key: str, rows: int, cols: int, std: float) -> None:
        if int8 and hasattr(owner, f"{key}_scale"):
            values = rng.integers(-127, 128, size=(rows, cols), dtype=np.int8)
            setattr(owner, key, values)
            # Uniform int8 has std 73.3; the jitter keeps scales distinct (CTranslate2 does not resolve aliased scales).
            scale = 73.3 / std * rng.uniform(0.99, 1.01, size=rows)
            setattr(owner, f"{key}_scale", scale.astype(np.float32))
        else:
            setattr(owner, key, (rng.standard_normal((rows, cols), dtype=np.float32) * std).astype(np.float32))

    return put


def _fill_spec(spec, shape: QwenShape, vocab_size: int, rng: np.random.Generator, int8: bool) -> None:
    d = shape.hidden
    kv = shape.kv_heads * (d // shape.heads)
    put = _weights(rng, int8)

    def ones(n):
        return np.ones(n, dtype=np.float32)

    dec = spec.decoder
    dec.scale_embeddings = False
    put(dec.embeddings, "weight", vocab_size, d, 0.02)
    dec.layer_norm.gamma = ones(d)
    for layer in dec.layer:
        layer.self_attention.layer_norm.gamma = ones(d)
        layer.ffn.layer_norm.gamma = ones(d)
        fused = layer.self_attention.linear[0]
        put(fused, "weight", d + 2 * kv, d, 1.0 / np.sqrt(d))
        fused.bias = np.zeros(d + 2 * kv, dtype=np.float32)
        put(layer.self_attention.linear[1], "weight", d, d, 1.0 / np.sqrt(d))
        put(layer.ffn.linear_0, "weight", shape.intermediate, d, 1.0 / np.sqrt(d))
        put(layer.ffn.linear_0_noact, "weight", shape.intermediate, d, 1.0 / np.sqrt(d))
        put(layer.ffn.linear_1, "weight", d, shape.intermediate, 1.0 / np.sqrt(shape.intermediate))
    if shape.tied_embeddings:
        dec.projection.weight = dec.embeddings.weight
        if int8:
            dec.projection.weight_scale = dec.embeddings.weight_scale
    else:
        put(dec.projection, "weight", vocab_size, d, 0.02)


def build_random_qwen2(output_dir: str | os.PathLike, size: str = "tiny-test", *,
                       quantization: str | None = None, seed: int = 0) -> Path:
    """Write a random-weight Qwen2 model in the converted CTranslate2 folder layout.

    Args:
        output_dir: Folder to create.
        size: A key of :data:`SHAPES`.
        quantization: Stored weight type (``"int8"``, ``"int8_float16"``…); ``None`` keeps float32.
        seed: Random seed (the same seed gives the same model).

    Returns:
        The folder.
    """
    from ctranslate2.specs import common_spec, transformer_spec

    shape = SHAPES[size]
    tokenizer = train_tokenizer()
    tokens = _tokens(tokenizer, shape.vocab)
    spec = transformer_spec.TransformerDecoderModelSpec.from_config(
        shape.layers, shape.heads, activation=common_spec.Activation.SWISH, pre_norm=True, ffn_glu=True,
        rms_norm=True, rotary_dim=0, rotary_interleave=False, rotary_base=shape.rope_theta,
        num_heads_kv=shape.kv_heads if shape.kv_heads != shape.heads else None,
    )
    int8 = quantization == "int8" and shape.vocab > 0  # real sizes: write int8 directly
    _fill_spec(spec, shape, len(tokens), np.random.default_rng(seed), int8)
    spec.register_vocabulary(tokens)
    spec.config.bos_token = "<|endoftext|>"
    spec.config.eos_token = "<|im_end|>"
    spec.config.unk_token = ""
    spec.config.layer_norm_epsilon = 1e-6
    spec.validate()
    spec.optimize(quantization=None if int8 else quantization)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))
    _write_tokenizer_files(out, tokenizer, tokens, shape.context)
    return out


def cached_random_qwen2(size: str = "tiny-test", *, quantization: str | None = None,
                        cache_dir: str | os.PathLike | None = None) -> Path:
    """A cached random Qwen2 folder, built once (atomically) if needed; treat it as read-only.

    Args:
        size: A key of :data:`SHAPES`.
        quantization: Stored weight type; real-size benchmark models use ``"int8"``.
        cache_dir: Cache root (default :func:`asr.model_cache.default_cache_dir`).
    """
    return cached_build(
        f"qwen2-{size}-{quantization or 'float32'}-v{BUILDER_VERSION}", "tokenizer_config.json",
        lambda folder: build_random_qwen2(folder, size, quantization=quantization), cache_dir,
    )


def convert_tiny_hf_qwen2(output_dir: str | os.PathLike, *, quantization: str = "int8", seed: int = 0) -> Path:
    """Build a tiny random ``transformers`` Qwen2 and convert it with CTranslate2's own converter.

    This is the path IT follows with a real model (``ct2-transformers-converter --copy_files …``); it needs torch
    and transformers, so only tests and pack-building machines call it.

    Returns:
        The converted folder.
    """
    import tempfile

    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    shape = SHAPES["tiny-test"]
    with tempfile.TemporaryDirectory() as tmp:
        hf = Path(tmp) / "hf"
        fast = PreTrainedTokenizerFast(tokenizer_object=train_tokenizer(), eos_token="<|im_end|>",
                                       pad_token="<|endoftext|>", model_max_length=shape.context)
        fast.chat_template = CHAT_TEMPLATE
        fast.save_pretrained(hf)
        config = Qwen2Config(
            vocab_size=len(fast), hidden_size=shape.hidden, num_hidden_layers=shape.layers,
            num_attention_heads=shape.heads, num_key_value_heads=shape.kv_heads,
            intermediate_size=shape.intermediate, max_position_embeddings=shape.context,
            eos_token_id=fast.convert_tokens_to_ids("<|im_end|>"), tie_word_embeddings=False,
        )
        Qwen2ForCausalLM(config).save_pretrained(hf)
        copy = [name for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
                                  "special_tokens_map.json") if (hf / name).exists()]
        TransformersConverter(str(hf), copy_files=copy, load_as_float16=False).convert(
            str(output_dir), quantization=quantization, force=True)
    return Path(output_dir)
