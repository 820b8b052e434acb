"""Speaker embeddings of an enrollment recording, with the diarization pipeline's own embedding model."""

from __future__ import annotations

import numpy as np

from diarization.model import DiarizationEngine

__all__ = ["voice_embeddings"]

_WINDOW_S = 3.0
_HOP_S = 1.5


def voice_embeddings(engine: DiarizationEngine, audio: np.ndarray, *, min_rms_ratio: float = 0.1) -> np.ndarray:
    """Embed 3-s windows of one speaker's speech (quiet windows skipped).

    Args:
        engine: A loaded pipeline (its embedding model is used, so profiles match diarization centroids).
        audio: 16 kHz mono float32 of the enrolled person speaking alone.
        min_rms_ratio: Windows quieter than this fraction of the loudest window's RMS are skipped as pauses.

    Returns:
        ``(windows, dimension)`` array of finite embeddings.

    Raises:
        ValueError: The recording is too short or holds no speech.
    """
    import torch

    rate = engine.sample_rate
    window, hop = int(_WINDOW_S * rate), int(_HOP_S * rate)
    if len(audio) < rate:
        raise ValueError("the enrollment recording is shorter than 1 second; record at least 10 seconds of speech")
    if len(audio) < window:
        audio = np.pad(audio, (0, window - len(audio)))
    starts = range(0, len(audio) - window + 1, hop)
    chunks = np.stack([audio[s:s + window] for s in starts]).astype(np.float32)
    rms = np.sqrt(np.mean(chunks ** 2, axis=1))
    if rms.max() <= 1e-4:
        raise ValueError("the enrollment recording is silent; check the microphone and record again")
    chunks = chunks[rms >= min_rms_ratio * rms.max()]
    embeddings = engine.pipeline._embedding(torch.from_numpy(chunks)[:, None, :])
    embeddings = np.asarray(embeddings, dtype=np.float32)
    embeddings = embeddings[np.all(np.isfinite(embeddings), axis=1)]
    if len(embeddings) == 0:
        raise ValueError("no usable speech in the enrollment recording; record at least 10 seconds of speech")
    return embeddings
