"""Keep every library offline: set before any model library is imported (entry points call this first)."""

from __future__ import annotations

import os

__all__ = ["enforce_offline"]

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: never reach the hub
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PYANNOTE_METRICS_ENABLED": "0",  # pyannote.audio sends usage metrics to its vendor by default
    "DO_NOT_TRACK": "1",
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime >= 1.29 (Silero VAD) sends 1DS telemetry on Linux/macOS too
}


def enforce_offline() -> None:
    """Set the environment switches that stop downloads and telemetry in the model libraries."""
    for key, value in _OFFLINE_ENV.items():
        os.environ[key] = value
