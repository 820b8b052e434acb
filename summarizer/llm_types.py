"""What every LLM backend takes and returns: chat prompts in, streamed text and token counts out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

__all__ = ["ChatPrompt", "GenerationOptions", "GenerationOutput", "TextCallback", "LlmBackend"]

# Called with (prompt index, new text) as tokens arrive; may be called from a worker thread.
TextCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class ChatPrompt:
    """One request: chat messages, and text the answer is forced to start with (a section heading).

    Attributes:
        messages: ``({"role": "system"|"user"|"assistant", "content": str}, ...)``.
        prefix: Text placed at the start of the assistant's answer; the model continues after it. Backends that
            cannot pre-fill the answer (a chat server) leave it out and the caller strips a repeated heading.
        max_new_tokens: Upper bound on generated tokens.
    """

    messages: tuple[dict, ...]
    prefix: str = ""
    max_new_tokens: int = 256


@dataclass(frozen=True)
class GenerationOptions:
    """How to decode (echoed into the record's provenance).

    Attributes:
        batch: Decode all prompts as one batch (True), one after another (False), or let the backend choose (None):
            a GPU or a server batches; a CPU decodes sequentially from the cached prefix, which measured faster
            there (``tingji bench llm``: 205 s vs 324 s for a 10-minute visit with the 1.5B shape on 2 cores).
        cache_prefix: Keep the model state after the prompts' shared prefix (CTranslate2 static prompt).
        repetition_penalty: > 1 discourages repeating tokens.
        temperature: 0 is greedy (reproducible); sampling is never needed for a record.
        timeout_s: Server backends: give up waiting for a reply after this long without data.
    """

    batch: bool | None = None
    cache_prefix: bool = True
    repetition_penalty: float = 1.05
    temperature: float = 0.0
    timeout_s: float = 60.0


@dataclass(frozen=True)
class GenerationOutput:
    """The answer to one prompt."""

    text: str
    prompt_tokens: int = 0
    new_tokens: int = 0
    finish_reason: str = "stop"  # stop | length
    timings: dict = field(default_factory=dict)


class LlmBackend(Protocol):
    """A text generator behind the record stage (CTranslate2 local model, or a clinic server)."""

    name: str

    @property
    def info(self) -> dict:
        """Model name, size, quantization, device — stored in the record's provenance."""

    @property
    def context_tokens(self) -> int:
        """How many tokens (prompt + answer) one request may hold."""

    def count_tokens(self, prompt: ChatPrompt) -> int:
        """Prompt length in tokens (an estimate where the backend cannot tokenize)."""

    def generate(self, prompts: Sequence[ChatPrompt], options: GenerationOptions,
                 on_text: TextCallback | None = None) -> list[GenerationOutput]:
        """Answer every prompt, streaming text through ``on_text``."""
