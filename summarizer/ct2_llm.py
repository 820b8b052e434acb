"""The local LLM backend: a causal LM converted to CTranslate2, int8 on the CPU or int8_float16 on a GPU.

The folder is what ``ct2-transformers-converter --copy_files tokenizer.json tokenizer_config.json …`` writes. It
is checked before loading (every problem named with its file), tokenised with the model's own ``tokenizer.json``,
and prompted with its own chat template. Prompts that share a beginning (the instructions and the transcript) are
decoded as one batch with that beginning as CTranslate2's cached static prompt.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Sequence

from asr.ct2_header import Ct2HeaderError, read_ct2_header
from asr.manifest import MANIFEST_NAME, ManifestError, verify_manifest
from summarizer.chat_template import read_chat_template, render_chat
from summarizer.errors import LlmModelError, LlmRuntimeError
from summarizer.llm_types import ChatPrompt, GenerationOptions, GenerationOutput, TextCallback
from summarizer.text_stream import TextStream

__all__ = ["LlmInfo", "inspect_llm_dir", "load_llm", "Ct2Backend", "common_prefix", "generate_batch_shared"]

log = logging.getLogger(__name__)

_CONVERT_HINT = ("convert the model with ct2-transformers-converter --quantization int8 --copy_files tokenizer.json "
                 "tokenizer_config.json (see the README, 'Model packs')")
DEFAULT_CONTEXT = 8192
_DTYPES = {0: "float32", 1: "int8", 2: "int16", 3: "int32", 4: "float16", 5: "bfloat16"}


class LlmInfo(dict):
    """What a model folder holds (a dict so it can go straight into provenance)."""


def _context(folder: Path) -> int:
    for name, key in (("tokenizer_config.json", "model_max_length"), ("generation_config.json", "max_length")):
        try:
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError):
            continue
        if isinstance(value, int) and 0 < value < 10_000_000:
            return value
    return DEFAULT_CONTEXT


def inspect_llm_dir(path: str | os.PathLike, *, verify: bool = True) -> LlmInfo:
    """Validate a converted LLM folder without loading the weights.

    Args:
        path: The folder.
        verify: When it has a ``manifest.json``, check every file's sha256 against it.

    Returns:
        Name, layers, hidden size, vocabulary size, context length, stored weight type, and whether verified.

    Raises:
        LlmModelError: Listing every problem found.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise LlmModelError(str(folder), ["the folder does not exist (or is a file); pass a converted LLM folder"])
    verified = False
    if verify and (folder / MANIFEST_NAME).is_file():
        try:
            verify_manifest(folder)
            verified = True
        except ManifestError as error:
            raise LlmModelError(str(folder), [str(error)]) from error
    problems: list[str] = []
    header = None
    if not (folder / "model.bin").is_file():
        problems.append(f"model.bin is missing; {_CONVERT_HINT}")
    else:
        try:
            header = read_ct2_header(folder / "model.bin")
        except Ct2HeaderError as error:
            problems.append(f"model.bin is damaged ({error}); copy it again or re-convert")
        if header is not None and header.spec_name not in ("TransformerDecoderSpec", "TransformerDecoderModelSpec"):
            problems.append(f"model.bin holds a {header.spec_name}, not a causal language model")
            header = None
    for name in ("config.json", "tokenizer.json"):
        if not (folder / name).is_file():
            problems.append(f"{name} is missing; {_CONVERT_HINT}")
    if not any((folder / n).is_file() for n in ("vocabulary.json", "vocabulary.txt")):
        problems.append(f"vocabulary.json is missing; {_CONVERT_HINT}")
    if not read_chat_template(folder):
        problems.append("no chat template (chat_template.jinja or tokenizer_config.json 'chat_template'); copy it "
                        "from the original model folder")
    if problems:
        raise LlmModelError(str(folder), problems)
    embeddings = header.shapes.get("decoder/embeddings/weight", (0, 0))
    return LlmInfo(
        name=folder.name, path=str(folder), layers=header.count("decoder/layer_"), hidden=int(embeddings[1]),
        vocabulary=int(embeddings[0]), context=_context(folder), stored_as=_DTYPES.get(header.dtypes.get("decoder/layer_0/ffn/linear_1/weight"), "unknown"), verified=verified,
    )


def common_prefix(sequences: Sequence[Sequence[str]]) -> int:
    """Length of the longest prefix all sequences share, leaving at least one token of each outside it."""
    if not sequences:
        return 0
    limit = min(len(s) for s in sequences) - 1
    n = 0
    while n < limit and all(s[n] == sequences[0][n] for s in sequences):
        n += 1
    return max(n, 0)


def generate_batch_shared(generator, suffixes: Sequence[Sequence[str]], static: Sequence[str] | None, **kwargs):
    """``generate_batch`` of prompts that share a static prefix, computing the prefix once.

    CTranslate2 computes an uncached static prompt for every item of a batch (measured: a 6-item batch cost 3.5×
    one prefill, and a 9-item batch of a 3,200-token visit peaked at 15 GB). Decoding one token of the first item
    alone puts the prefix in the cache; the batch then starts from the cached state. Each batch item still gets its
    own copy of the prefix's key/value cache (on the CPU about 0.34 MB per token for the 1.5B shape: 1.1 GB for a
    10-minute transcript), so batch only short prompts (:func:`summarizer.prompts.build_compact_prompts`).
    """
    if static and len(suffixes) > 1:
        generator.generate_batch([list(suffixes[0])], max_length=1, static_prompt=list(static),
                                 cache_static_prompt=True, include_prompt_in_result=False)
    return generator.generate_batch([list(s) for s in suffixes], static_prompt=list(static) if static else None,
                                    cache_static_prompt=bool(static), include_prompt_in_result=False, **kwargs)


class Ct2Backend:
    """A loaded CTranslate2 generator with its tokenizer and chat template. Create with :func:`load_llm`."""

    name = "ctranslate2"

    def __init__(self, generator, tokenizer, template: str, info: LlmInfo, end_tokens: list[str]):
        self.generator = generator
        self.tokenizer = tokenizer
        self.template = template
        self._info = info
        self.end_tokens = end_tokens

    @property
    def info(self) -> dict:
        return dict(self._info)

    @property
    def context_tokens(self) -> int:
        return int(self._info["context"])

    def _tokens(self, prompt: ChatPrompt) -> list[str]:
        text = render_chat(self.template, prompt.messages, add_generation_prompt=True) + prompt.prefix
        return self.tokenizer.encode(text, add_special_tokens=False).tokens

    def count_tokens(self, prompt: ChatPrompt) -> int:
        return len(self._tokens(prompt))

    def generate(self, prompts: Sequence[ChatPrompt], options: GenerationOptions,
                 on_text: TextCallback | None = None) -> list[GenerationOutput]:
        """Answer every prompt greedily, streaming text through ``on_text(index, new_text)``.

        Raises:
            LlmRuntimeError: CTranslate2 failed (e.g. out of memory).
        """
        if not prompts:
            return []
        tokenized = [self._tokens(p) for p in prompts]
        shared = common_prefix(tokenized) if options.cache_prefix and len(tokenized) > 1 else 0
        static = tokenized[0][:shared] or None
        streams = [TextStream(self.tokenizer) for _ in prompts]
        counts = [0] * len(prompts)
        common = dict(max_length=max(p.max_new_tokens for p in prompts), end_token=self.end_tokens,
                      repetition_penalty=options.repetition_penalty, sampling_topk=1)

        def feed(index: int, token_id: int) -> None:
            counts[index] += 1
            delta = streams[index].push(token_id)
            if delta and on_text:
                on_text(index, delta)

        started = time.perf_counter()
        try:
            batch = options.batch if options.batch is not None else self._info.get("device") == "cuda"
            if batch and len(prompts) > 1:
                def callback(step) -> bool:
                    feed(step.batch_id, step.token_id)
                    return counts[step.batch_id] >= prompts[step.batch_id].max_new_tokens

                generate_batch_shared(self.generator, [t[shared:] for t in tokenized], static, callback=callback,
                                      **common)
            else:
                for index, (prompt, tokens) in enumerate(zip(prompts, tokenized)):
                    for step in self.generator.generate_tokens(
                            tokens[shared:], static_prompt=static, cache_static_prompt=bool(static),
                            **{**common, "max_length": prompt.max_new_tokens}):
                        feed(index, step.token_id)
        except RuntimeError as error:
            raise LlmRuntimeError(f"generation failed ({error}); try a smaller model or --device cpu") from error
        elapsed = time.perf_counter() - started
        return [
            GenerationOutput(stream.text(), len(tokens), count,
                             "length" if count >= prompt.max_new_tokens else "stop",
                             {"generate_s": round(elapsed, 3), "shared_prefix_tokens": shared})
            for stream, tokens, count, prompt in zip(streams, tokenized, counts, prompts)
        ]


def load_llm(path: str | os.PathLike, *, device: str = "auto", compute_type: str | None = None,
             threads: int | None = None, verify: bool = True) -> Ct2Backend:
    """Check and load a converted LLM folder.

    Args:
        path: The folder.
        device: ``auto`` (GPU when CUDA is visible), ``cpu`` or ``cuda``.
        compute_type: Default int8 on CPU, int8_float16 (else float16) on GPU.
        threads: CPU threads (default: every core this process may use).
        verify: Check ``manifest.json`` when present.

    Raises:
        LlmModelError: The folder is incomplete or damaged.
        ValueError: The device or compute type is not available here.
    """
    import ctranslate2
    from tokenizers import Tokenizer

    from asr.model import default_threads, resolve_compute_type, resolve_device

    info = inspect_llm_dir(path, verify=verify)
    folder = Path(info["path"])
    device = resolve_device(device)
    compute_type = resolve_compute_type(device, compute_type)
    threads = threads or default_threads()
    try:
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as error:  # tokenizers raises plain Exception subclasses
        raise LlmModelError(str(folder), [f"tokenizer.json cannot be read ({error})"]) from error
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    end_tokens = [t for t in dict.fromkeys([config.get("eos_token"), "<|im_end|>", "<|endoftext|>", "<|eot_id|>"])
                  if t and t in vocab]
    if not end_tokens:
        raise LlmModelError(str(folder), ["no end-of-turn token (config.json eos_token) is in tokenizer.json"])
    started = time.perf_counter()
    try:
        generator = ctranslate2.Generator(str(folder), device=device, compute_type=compute_type,
                                          intra_threads=threads if device == "cpu" else 0)
    except (RuntimeError, ValueError) as error:
        raise LlmModelError(str(folder), [f"CTranslate2 could not load model.bin ({error})"]) from error
    info.update(device=device, compute_type=compute_type, threads=threads if device == "cpu" else None,
                load_s=round(time.perf_counter() - started, 3))
    log.info("LLM %s loaded on %s (%s)", folder.name, device, compute_type)
    return Ct2Backend(generator, tokenizer, read_chat_template(folder), info, end_tokens)
