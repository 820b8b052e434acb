"""Which models and record backend the window uses (no Qt): resolved from settings, the environment and installs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["EngineConfig", "BACKENDS"]

BACKENDS = ("extractive", "ctranslate2", "server")


@dataclass(frozen=True)
class EngineConfig:
    """Model folders and the record backend.

    Attributes:
        asr_model: Whisper folder; None: the installed one, if any.
        diarization_model: pyannote pipeline folder; None: the installed one, if any.
        backend: ``extractive`` (no model), ``ctranslate2`` (local LLM) or ``server`` (clinic server).
        llm_model: LLM folder for ``ctranslate2`` (and the server's fallback); None: the installed one.
        server_url: OpenAI-compatible API base of the clinic server.
        server_model: Model name on the server (None: the first it lists).
        device: ``auto``, ``cpu`` or ``cuda`` for every model.
        threads: CPU threads per model (0: all cores).
        language: Transcript language passed to Whisper (``zh``).
    """

    asr_model: Path | None = None
    diarization_model: Path | None = None
    backend: str = "extractive"
    llm_model: Path | None = None
    server_url: str = ""
    server_model: str = ""
    device: str = "auto"
    threads: int = 0
    language: str = "zh"

    def resolved(self) -> EngineConfig:
        """The same config with each missing folder replaced by the installed model (or left None)."""
        from app.commands.sample import find_model

        return replace(self, asr_model=find_model("asr", self.asr_model),
                       diarization_model=find_model("diarization", self.diarization_model),
                       llm_model=find_model("llm", self.llm_model) if self.backend != "extractive" else None)

    def backend_args(self) -> argparse.Namespace:
        """The ``tingji note`` backend options for this config (so the window and the CLI draft identically)."""
        from app.commands.note import add_backend_arguments

        if self.backend not in BACKENDS:
            raise ValueError(f"unknown record backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")
        parser = argparse.ArgumentParser(add_help=False)
        add_backend_arguments(parser)
        args = parser.parse_args([])
        args.backend = self.backend
        args.llm = self.llm_model
        args.llm_device = self.device
        args.llm_threads = self.threads
        args.server_url = self.server_url or args.server_url
        args.server_model = self.server_model or None
        return args
