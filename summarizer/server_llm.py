"""The clinic-server backend: any OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp server, Ollama).

Requests stream (server-sent events), carry the API key when one is set, verify TLS (a hospital CA bundle can be
given; turning verification off must be explicit), and time out when the server stops sending. A request that
fails before any text arrived is retried with back-off; a server that cannot be reached raises
:class:`ServerUnavailable` so the caller can fall back to the local backend. Sections are sent concurrently: a
batching server (vLLM) decodes them together.
"""

from __future__ import annotations

import json
import logging
import math
import ssl
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlparse

from summarizer.errors import ServerError, ServerUnavailable
from summarizer.llm_types import ChatPrompt, GenerationOptions, GenerationOutput, TextCallback

__all__ = ["ServerConfig", "ServerBackend", "connect"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerConfig:
    """Where and how to reach the clinic server.

    Attributes:
        url: Base URL of the API, e.g. ``http://10.0.0.5:8000/v1``.
        model: Model name to ask for (default: the first one the server lists).
        api_key: Sent as ``Authorization: Bearer …`` when set.
        ca_bundle: PEM file of the hospital's CA, for a server with an internal certificate.
        verify_tls: False accepts any certificate (only for a test bench; the record notes it).
        timeout_s: Connect timeout and the longest wait for the next piece of a reply.
        retries: Extra attempts for a request that failed before any text arrived.
        parallel: Sections sent at once.
        context_tokens: The served model's context (prompt + answer), used to decide when to condense.
    """

    url: str
    model: str | None = None
    api_key: str | None = None
    ca_bundle: str | None = None
    verify_tls: bool = True
    timeout_s: float = 30.0
    retries: int = 2
    parallel: int = 8
    context_tokens: int = 32768


class _Retryable(Exception):
    pass


class ServerBackend:
    """A connection to an OpenAI-compatible server. Create with :func:`connect`."""

    name = "server"

    def __init__(self, config: ServerConfig, model: str):
        self.config = config
        self.model = model
        self._context = None
        if urlparse(config.url).scheme == "https":
            self._context = ssl.create_default_context(cafile=config.ca_bundle)
            if not config.verify_tls:
                self._context.check_hostname = False
                self._context.verify_mode = ssl.CERT_NONE

    @property
    def info(self) -> dict:
        host = urlparse(self.config.url)
        return {"name": self.model, "server": f"{host.scheme}://{host.netloc}", "tls_verified":
                host.scheme == "https" and self.config.verify_tls}

    @property
    def context_tokens(self) -> int:
        return self.config.context_tokens

    def count_tokens(self, prompt: ChatPrompt) -> int:
        """An upper estimate (the server's tokenizer is not here): one token per CJK character, 1 per 3 others."""
        text = "".join(m["content"] for m in prompt.messages) + prompt.prefix
        cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
        return cjk + math.ceil((len(text) - cjk) / 3) + 8 * len(prompt.messages)

    def _request(self, path: str, body: dict | None, timeout: float):
        url = self.config.url.rstrip("/") + path
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "text/event-stream" if body and body.get("stream") else "application/json")
        if self.config.api_key:
            request.add_header("Authorization", f"Bearer {self.config.api_key}")
        try:
            return urllib.request.urlopen(request, timeout=timeout, context=self._context)
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode("utf-8", "replace")
            if error.code in (401, 403):
                raise ServerError(f"the server refused the API key (HTTP {error.code}); check the key in the "
                                  f"settings") from error
            if error.code in (429,) or error.code >= 500:
                raise _Retryable(f"HTTP {error.code}: {detail}") from error
            raise ServerError(f"the server rejected the request (HTTP {error.code}): {detail}") from error
        except ssl.SSLError as error:
            raise ServerUnavailable(f"TLS to {self.config.url} failed ({error}); give the hospital CA with "
                                    f"--ca-bundle") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, ssl.SSLError):
                raise ServerUnavailable(f"TLS to {self.config.url} failed ({reason}); give the hospital CA with "
                                        f"--ca-bundle") from error
            raise _Retryable(f"{self.config.url} unreachable ({reason})") from error

    def _with_retries(self, attempt):
        delay = 0.5
        for n in range(self.config.retries + 1):
            try:
                return attempt()
            except _Retryable as error:
                if n == self.config.retries:
                    raise ServerUnavailable(f"clinic server {error}; tried {n + 1} times") from error
                log.info("server request failed (%s); retrying in %.1f s", error, delay)
                time.sleep(delay)
                delay *= 2

    def list_models(self) -> list[str]:
        """Model names the server offers (also a reachability check)."""
        def attempt():
            with self._request("/models", None, self.config.timeout_s) as reply:
                return json.loads(reply.read().decode("utf-8"))

        try:
            data = self._with_retries(attempt)
            return [m["id"] for m in data.get("data", [])]
        except (ValueError, KeyError, TypeError) as error:
            raise ServerError(f"{self.config.url}/models did not answer like an OpenAI-compatible API") from error

    def _one(self, index: int, prompt: ChatPrompt, options: GenerationOptions, on_text: TextCallback | None,
             lock: threading.Lock) -> GenerationOutput:
        body = {"model": self.model, "messages": list(prompt.messages), "max_tokens": prompt.max_new_tokens,
                "temperature": options.temperature, "stream": True,
                "stream_options": {"include_usage": True}}
        if options.repetition_penalty != 1.0:
            body["repetition_penalty"] = options.repetition_penalty  # vLLM / llama.cpp extension; others ignore it
        started = time.perf_counter()
        state = {"text": [], "finish": "stop", "usage": {}, "first": None}  # one streamed chunk ≈ one token

        def attempt():
            state["text"].clear()
            with self._request("/chat/completions", body, timeout=options.timeout_s or self.config.timeout_s) as r:
                for raw in r:
                    line = raw.decode("utf-8", "replace").strip()
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        break
                    chunk = json.loads(payload)
                    state["usage"] = chunk.get("usage") or state["usage"]
                    for choice in chunk.get("choices", ()):
                        delta = (choice.get("delta") or {}).get("content") or ""
                        if delta:
                            state["first"] = state["first"] or time.perf_counter()
                            state["text"].append(delta)
                            if on_text:
                                with lock:
                                    on_text(index, delta)
                        if choice.get("finish_reason"):
                            state["finish"] = "length" if choice["finish_reason"] == "length" else "stop"

        try:
            self._with_retries(attempt)
        except (TimeoutError, OSError) as error:
            raise ServerUnavailable(f"clinic server stopped answering ({error})") from error
        except ValueError as error:
            raise ServerError(f"the server sent a malformed stream ({error})") from error
        text = "".join(state["text"])
        usage = state["usage"] or {}
        timings = {"request_s": round(time.perf_counter() - started, 3)}
        if state["first"]:
            timings["first_token_s"] = round(state["first"] - started, 3)
        return GenerationOutput(text, int(usage.get("prompt_tokens") or self.count_tokens(prompt)),
                                int(usage.get("completion_tokens") or len(state["text"])), state["finish"], timings)

    def generate(self, prompts: Sequence[ChatPrompt], options: GenerationOptions,
                 on_text: TextCallback | None = None) -> list[GenerationOutput]:
        """Send every prompt (concurrently when ``options.batch``), streaming text through ``on_text``.

        Raises:
            ServerUnavailable: The server could not be reached or stopped answering.
            ServerError: The server refused the request.
        """
        lock = threading.Lock()
        if options.batch is False or len(prompts) < 2:
            return [self._one(i, p, options, on_text, lock) for i, p in enumerate(prompts)]
        with ThreadPoolExecutor(max_workers=max(1, min(self.config.parallel, len(prompts)))) as pool:
            futures = [pool.submit(self._one, i, p, options, on_text, lock) for i, p in enumerate(prompts)]
            return [f.result() for f in futures]


def connect(config: ServerConfig) -> ServerBackend:
    """Check that the server answers and pick the model.

    Raises:
        ServerUnavailable: Not reachable (after the retries).
        ServerError: It answered, but has no such model or is not an OpenAI-compatible API.
    """
    if urlparse(config.url).scheme not in ("http", "https"):
        raise ServerError(f"server URL must start with http:// or https://, not {config.url!r}")
    probe = ServerBackend(config, config.model or "")
    models = probe.list_models()
    model = config.model or (models[0] if models else None)
    if not model:
        raise ServerError(f"{config.url} lists no model; start the server with a model or pass --server-model")
    if config.model and models and config.model not in models:
        raise ServerError(f"{config.url} does not serve {config.model!r}; it serves {', '.join(models)}")
    return ServerBackend(config, model)
