"""Turning a stream of token ids into a stream of text, without splitting a character across two pieces."""

from __future__ import annotations

__all__ = ["TextStream"]


class TextStream:
    """Incremental detokenizer: :meth:`push` a token id, get back the text it completed (possibly "").

    Byte-level BPE tokens can end in the middle of a UTF-8 character (common for Chinese); such a tail decodes to
    U+FFFD and is held back until the next token completes it.
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self._emitted = 0

    def push(self, token_id: int) -> str:
        self.ids.append(int(token_id))
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):
            return ""
        delta = text[self._emitted:]
        self._emitted = len(text)
        return delta

    def text(self) -> str:
        """Everything decoded so far (a trailing broken character included, as U+FFFD)."""
        return self.tokenizer.decode(self.ids, skip_special_tokens=True)
