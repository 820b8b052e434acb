"""Build random-weight pyannote.audio 4.x speaker-diarization pipelines offline, in the relocatable folder layout.

The folder is what ``pyannote.audio.Pipeline.from_pretrained(folder)`` loads without any hub access::

    config.yaml                      SpeakerDiarization + VBxClustering, "$model/..." references (relocatable)
    segmentation/pytorch_model.bin   PyanNet checkpoint (powerset: 3 speakers, at most 2 at once, 7 classes)
    embedding/pytorch_model.bin      WeSpeakerResNet34 checkpoint (256-dim embeddings)
    plda/xvec_transform.npz          mean1 (D,), mean2 (L,), lda (D, L)
    plda/plda.npz                    mu (L,), tr (L, L), psi (L,)
    manifest.json                    sha256 + size of every file (:mod:`asr.manifest`)

Checkpoints are the dicts Lightning writes (``state_dict``, ``hyper_parameters``, ``pytorch-lightning_version``)
plus the ``pyannote.audio`` block of ``Model.on_save_checkpoint`` (versions, architecture, specifications), so they
load through ``Model.from_pretrained`` -> ``load_from_checkpoint`` like the published ones. Compute cost does not
depend on the weight values, so the ``community-1`` shape serves benchmarks; ``tiny-test`` serves tests.

Why the segmentation model is shaped by hand (``bias_speech=True``): with purely random weights the powerset argmax
picks one class for every frame (with seed 0 the overlap class {1, 2}), so no speaker is ever alone in a frame, VBx
gets fewer than two training embeddings and returns early without clustering. Instead, three units of each layer
are wired into a small signal-processing path (the other units keep their random weights; the classifier ignores
them):

* SincNet's second convolution makes three channels from its 40 band envelopes: loudness (mean of all bands) and
  pitch ``+P``/``-P`` (band 80-176 Hz, where a low voice's F0 lies, minus bands 126-278 Hz, a higher voice's F0);
  the third convolution copies them. SincNet's instance norms make them z-scores over the 10 s chunk.
* The first LSTM layer smooths them (forget gate 0.9, about 170 ms each way, forward and backward averaged), later
  LSTM layers and the linear layers pass them through.
* The classifier scores "speaker 1" when a frame is louder than the chunk average and its pitch is low, "speaker 2"
  when it is loud and high, "nobody" otherwise; speaker 3 and the overlap classes are never chosen.

So digital silence gives no speech, a chunk holding a low and a high voice gives two local speakers that follow the
voices, and 20 s of speech gives about 20 training embeddings that go through the real AHC + VBx + constrained
assignment code. The embedding model stays random, so clustering usually merges the voices into one speaker; pass
``num_speakers=2`` to force two clusters (the KMeans branch). Speaker labels mean nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.model_cache import cached_build, default_cache_dir

__all__ = [
    "BUILDER_VERSION",
    "DiarizationShape",
    "SHAPES",
    "build_random_pipeline",
    "cached_random_pipeline",
    "default_cache_dir",
]


BUILDER_VERSION = 1

CHUNK_DURATION = 10.0  # seconds: segmentation window of pyannote/segmentation-3.0 and community-1
SPEAKERS_PER_CHUNK = 3
MAX_SPEAKERS_PER_FRAME = 2


@dataclass(frozen=True)
class DiarizationShape:
    """Architecture and pipeline settings of a random diarization pipeline.

    Attributes:
        lstm_hidden: PyanNet LSTM units per direction.
        lstm_layers: PyanNet bidirectional LSTM layers.
        lstm_dropout: LSTM dropout (a hyper-parameter only; inference ignores it).
        linear_hidden: PyanNet feed-forward units.
        linear_layers: PyanNet feed-forward layers.
        num_mel_bins: WeSpeaker fbank bins (80 in the real model; ResNet34 channel widths are fixed by the class,
            so fewer bins is the only way to make it smaller).
        lda_dimension: PLDA/LDA dimension (pyannote's PLDA keeps at most 128).
        segmentation_batch_size: ``segmentation_batch_size`` in ``config.yaml``.
        embedding_batch_size: ``embedding_batch_size`` in ``config.yaml``.
    """

    lstm_hidden: int
    lstm_layers: int
    lstm_dropout: float
    linear_hidden: int
    linear_layers: int
    num_mel_bins: int
    lda_dimension: int
    segmentation_batch_size: int
    embedding_batch_size: int


SHAPES: dict[str, DiarizationShape] = {
    "tiny-test": DiarizationShape(32, 1, 0.0, 32, 2, 24, 128, 8, 1),
    # pyannote/speaker-diarization-community-1: segmentation-3.0 PyanNet (SincNet, 4 x biLSTM 128, 2 x linear 128),
    # WeSpeakerResNet34 (80 fbank bins, 256-dim), PLDA 256 -> 128, batch sizes as in its config.yaml.
    "community-1": DiarizationShape(128, 4, 0.5, 128, 2, 80, 128, 32, 32),
}

_CONFIG_YAML = """\
# Random-weight pipeline written by diarization.random_models (builder v{builder}, shape {size}).
# Real pyannote/speaker-diarization-community-1 architectures, meaningless weights: for tests and benchmarks only.
dependencies:
  pyannote.audio: 4.0.0
pipeline:
  name: pyannote.audio.pipelines.SpeakerDiarization
  params:
    clustering: VBxClustering
    segmentation: $model/segmentation
    segmentation_batch_size: {segmentation_batch_size}
    embedding: $model/embedding
    embedding_batch_size: {embedding_batch_size}
    embedding_exclude_overlap: true
    plda: $model/plda
params:
  clustering:
    threshold: 0.6
    Fa: 0.07
    Fb: 0.8
  segmentation:
    min_duration_off: 0.0
"""


def _checkpoint(model) -> dict:
    """The dict a Lightning ``ModelCheckpoint`` would save for ``model`` (inference-relevant part)."""
    import lightning

    checkpoint = {
        "state_dict": model.state_dict(),
        "hyper_parameters": dict(model.hparams),
        "pytorch-lightning_version": lightning.__version__,
        "epoch": 0,
        "global_step": 0,
    }
    model.on_save_checkpoint(checkpoint)
    return checkpoint


def _shape_segmentation(model, shape: DiarizationShape) -> None:
    """Wire three units per layer into a loudness + voice-pitch speaker detector (see the module docstring)."""
    import torch

    sinc = model.sincnet
    filterbank = sinc.conv1d[0].filterbank  # 40 bands, mel-spaced from 80 Hz; channels k and k + 40 are cos/sin
    bands = filterbank.low_hz_.shape[0]
    low_edge = (filterbank.min_low_hz + filterbank.low_hz_.abs()).flatten()
    band_width = (filterbank.min_band_hz + filterbank.band_hz_.abs()).flatten()
    low_voice = torch.cat([low_edge + band_width <= 180.0] * 2)  # 80-176 Hz: pitch of a low voice
    high_voice = torch.cat([(low_edge > 100.0) & (low_edge + band_width <= 280.0)] * 2)  # 126-278 Hz
    energy, pitch_low, pitch_high = routed = (0, 1, 2)
    with torch.no_grad():
        conv = sinc.conv1d[1].weight  # (60, 80, 5): band envelopes -> features
        taps = conv.shape[2]
        conv[list(routed)] = 0.0
        conv[energy] = 1.0 / (2 * bands * taps)
        conv[pitch_low, low_voice] = 1.0 / (int(low_voice.sum()) * taps)
        conv[pitch_low, high_voice] = -1.0 / (int(high_voice.sum()) * taps)
        conv[pitch_high] = -conv[pitch_low]
        sinc.conv1d[1].bias[list(routed)] = 0.0
        conv = sinc.conv1d[2].weight  # (60, 60, 5): copy
        conv[list(routed)] = 0.0
        for unit in routed:
            conv[unit, unit] = 1.0 / taps
        sinc.conv1d[2].bias[list(routed)] = 0.0

        # LSTM: first layer = exponential moving average of tanh(feature) (forget gate 0.9, about 170 ms each way),
        # later layers = pass-through; each reads the mean of the forward and backward halves of the layer below.
        hidden = shape.lstm_hidden
        lstm = model.lstm
        for layer in range(shape.lstm_layers):
            forget = 0.9 if layer == 0 else 0.0
            logit = float(np.log(forget / (1 - forget))) if forget else -12.0
            for suffix in ("", "_reverse"):
                w_ih = getattr(lstm, f"weight_ih_l{layer}{suffix}")
                w_hh = getattr(lstm, f"weight_hh_l{layer}{suffix}")
                b_ih = getattr(lstm, f"bias_ih_l{layer}{suffix}")
                b_hh = getattr(lstm, f"bias_hh_l{layer}{suffix}")
                for unit in routed:
                    rows = [gate * hidden + unit for gate in range(4)]  # gates: input, forget, cell, output
                    w_ih[rows] = 0.0
                    w_hh[rows] = 0.0
                    b_hh[rows] = 0.0
                    b_ih[rows] = torch.tensor([-logit, logit, 0.0, 12.0])
                    if layer == 0:
                        w_ih[2 * hidden + unit, unit] = 1.0
                    else:
                        w_ih[2 * hidden + unit, [unit, hidden + unit]] = 0.5

        for index, linear in enumerate(model.linear):
            linear.weight[list(routed)] = 0.0
            linear.bias[list(routed)] = 0.0
            for unit in routed:
                if index == 0:  # reads the last LSTM layer: mean of its forward and backward halves
                    linear.weight[unit, [unit, hidden + unit]] = 0.5
                else:
                    linear.weight[unit, unit] = 1.0

        # 7 powerset classes: {}, {1}, {2}, {3}, {1,2}, {1,3}, {2,3}; speaker 3 and overlaps are never chosen.
        classifier = model.classifier
        classifier.weight.zero_()
        classifier.bias.copy_(torch.tensor([0.0, 0.0, 0.0, -30.0, -30.0, -30.0, -30.0]))
        loud, pitch, threshold = 20.0, 4.0, 0.05
        for speaker, sign in ((1, 1.0), (2, -1.0)):
            classifier.weight[speaker, energy] = loud
            classifier.weight[speaker, pitch_low] = sign * pitch
            classifier.weight[speaker, pitch_high] = -sign * pitch
            classifier.bias[speaker] = -loud * threshold


def _segmentation_model(shape: DiarizationShape, bias_speech: bool):
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.segmentation import PyanNet

    model = PyanNet(
        sincnet={"stride": 10},
        lstm={
            "hidden_size": shape.lstm_hidden,
            "num_layers": shape.lstm_layers,
            "bidirectional": True,
            "monolithic": True,
            "dropout": shape.lstm_dropout,
        },
        linear={"hidden_size": shape.linear_hidden, "num_layers": shape.linear_layers},
    )
    model.specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION,
        resolution=Resolution.FRAME,
        duration=CHUNK_DURATION,
        min_duration=None,
        warm_up=(0.0, 0.0),
        classes=[f"speaker#{i + 1}" for i in range(SPEAKERS_PER_CHUNK)],
        powerset_max_classes=MAX_SPEAKERS_PER_FRAME,
        permutation_invariant=True,
    )
    model.setup()  # adds the task-dependent classifier, as on_load_checkpoint does
    if bias_speech:
        _shape_segmentation(model, shape)
    return model.eval()


def _embedding_model(shape: DiarizationShape):
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import WeSpeakerResNet34

    model = WeSpeakerResNet34(num_mel_bins=shape.num_mel_bins)
    # what pyannote's wespeaker/convert.py stores ("duration = 5.0  # whatever")
    model.specifications = Specifications(
        problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=5.0
    )
    return model.eval()


def _plda_arrays(dimension: int, lda_dimension: int, rng: np.random.Generator) -> tuple[dict, dict]:
    """Random but well-conditioned x-vector transform and PLDA (the keys ``utils.vbx.vbx_setup`` reads)."""
    lda, _ = np.linalg.qr(rng.standard_normal((dimension, lda_dimension)))
    tr, _ = np.linalg.qr(rng.standard_normal((lda_dimension, lda_dimension)))
    transform = {
        "mean1": rng.standard_normal(dimension) * 0.01,
        "mean2": np.zeros(lda_dimension),
        "lda": lda,
    }
    plda = {
        "mu": np.zeros(lda_dimension),
        "tr": tr,
        "psi": np.geomspace(20.0, 0.05, lda_dimension),  # between-class variances, largest first
    }
    return transform, plda


def build_random_pipeline(
    output_dir: str | os.PathLike, size: str = "tiny-test", *, seed: int = 0, bias_speech: bool = True
) -> Path:
    """Write a random-weight pyannote.audio 4.x speaker-diarization pipeline folder.

    Args:
        output_dir: Folder to create (must not exist or be empty).
        size: A key of :data:`SHAPES`.
        seed: Random seed (the same seed gives the same weights).
        bias_speech: Shape the segmentation model into a loudness + voice-pitch detector so that speech yields
            speakers and the full clustering path runs (see the module docstring). ``False`` keeps purely random
            segmentation weights, with which VBx takes its "fewer than 2 embeddings" shortcut.

    Returns:
        The folder, holding ``config.yaml``, ``segmentation/``, ``embedding/``, ``plda/`` and ``manifest.json``.
    """
    import torch

    from asr.manifest import write_manifest

    shape = SHAPES[size]
    out = Path(output_dir)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    with torch.random.fork_rng(devices=[]):  # leave the caller's random state alone
        torch.manual_seed(seed)
        segmentation = _segmentation_model(shape, bias_speech)
        embedding = _embedding_model(shape)
    for name, model in (("segmentation", segmentation), ("embedding", embedding)):
        (out / name).mkdir(parents=True, exist_ok=True)
        torch.save(_checkpoint(model), out / name / "pytorch_model.bin")

    transform, plda = _plda_arrays(embedding.dimension, shape.lda_dimension, np.random.default_rng(seed))
    (out / "plda").mkdir()
    np.savez(out / "plda" / "xvec_transform.npz", **transform)
    np.savez(out / "plda" / "plda.npz", **plda)

    (out / "config.yaml").write_text(
        _CONFIG_YAML.format(
            builder=BUILDER_VERSION,
            size=size,
            segmentation_batch_size=shape.segmentation_batch_size,
            embedding_batch_size=shape.embedding_batch_size,
        ),
        encoding="utf-8",
    )
    write_manifest(
        out,
        kind="diarization",
        name=f"random-{size}{'' if bias_speech else '-unbiased'}",
        version=f"builder-v{BUILDER_VERSION}-seed{seed}",
        runtime="pyannote.audio 4.x",
        licence="none (random weights, generated locally)",
    )
    return out


def cached_random_pipeline(size: str = "tiny-test", cache_dir: str | os.PathLike | None = None) -> Path:
    """Return a cached random pipeline folder, building it once (atomically) if needed.

    Args:
        size: A key of :data:`SHAPES`.
        cache_dir: Cache root (default :func:`asr.model_cache.default_cache_dir`).

    Returns:
        The pipeline folder; treat it as read-only.
    """
    return cached_build(
        f"pyannote-{size}-v{BUILDER_VERSION}", "manifest.json", lambda folder: build_random_pipeline(folder, size),
        cache_dir,
    )
