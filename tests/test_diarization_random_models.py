"""The random-weight pyannote pipeline folder loads offline, runs the full clustering path and is relocatable."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before pyannote is imported anywhere (conftest sets them too)
os.environ["PYANNOTE_METRICS_ENABLED"] = "0"

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from asr.manifest import verify_manifest

SR = 16000
DURATION = 20.0

pytestmark = pytest.mark.filterwarnings(r"ignore:std\(\):UserWarning")  # pooling over short masks


@pytest.fixture(scope="session")
def tiny_pipeline_dir() -> Path:
    """The tiny random diarization pipeline folder (built once, cached between runs)."""
    from diarization.random_models import cached_random_pipeline

    return cached_random_pipeline("tiny-test")


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """20 s of two espeak voices (low and high pitch) separated by pauses."""
    from audio_fixtures import espeak, silence, two_voice_visit

    low = dict(voice="cmn-latn-pinyin+m3", pitch=25)
    audio = np.concatenate([two_voice_visit(), espeak("xian1 chi1 yao4, san1 tian1 hou4 fu4 zhen3.", **low)])
    audio = np.concatenate([audio, silence(DURATION)])[: int(DURATION * SR)]
    return audio.astype(np.float32)


def _load(folder: Path):
    from pyannote.audio import Pipeline

    verify_manifest(folder)  # pyannote unpickles checkpoints: never load an unverified folder
    return Pipeline.from_pretrained(folder)


def _run(pipeline, audio: np.ndarray, **kwargs):
    import torch

    steps = {}

    def hook(step, artefact, file=None, completed=None, total=None):
        if completed is None:  # progress calls carry completed/total; the final call carries the whole artefact
            steps[step] = artefact

    file = {"waveform": torch.from_numpy(audio)[None], "sample_rate": SR, "uri": "visit"}
    return pipeline(file, hook=hook, **kwargs), steps


@pytest.fixture(scope="module")
def loaded(tiny_pipeline_dir):
    return _load(tiny_pipeline_dir)


@pytest.fixture(scope="module")
def result(loaded, speech):
    return _run(loaded, speech)


def test_folder_layout_and_manifest(tiny_pipeline_dir):
    import torch

    manifest = verify_manifest(tiny_pipeline_dir, allow_extra=False)
    assert manifest["kind"] == "diarization"
    assert manifest["runtime"] == "pyannote.audio 4.x"
    assert set(manifest["files"]) == {
        "config.yaml", "segmentation/pytorch_model.bin", "embedding/pytorch_model.bin",
        "plda/xvec_transform.npz", "plda/plda.npz",
    }
    config = yaml.safe_load((tiny_pipeline_dir / "config.yaml").read_text(encoding="utf-8"))
    assert config["pipeline"]["name"] == "pyannote.audio.pipelines.SpeakerDiarization"
    params = config["pipeline"]["params"]
    assert params["clustering"] == "VBxClustering"
    assert (params["segmentation"], params["embedding"], params["plda"]) == (
        "$model/segmentation", "$model/embedding", "$model/plda"
    )
    assert set(config["params"]["clustering"]) == {"threshold", "Fa", "Fb"}

    checkpoint = torch.load(tiny_pipeline_dir / "segmentation" / "pytorch_model.bin", weights_only=False)
    assert {"state_dict", "hyper_parameters", "pytorch-lightning_version", "pyannote.audio"} <= set(checkpoint)
    assert checkpoint["pyannote.audio"]["architecture"]["class"] == "PyanNet"
    specifications = checkpoint["pyannote.audio"]["specifications"]
    assert specifications.powerset and specifications.num_powerset_classes == 7
    with np.load(tiny_pipeline_dir / "plda" / "plda.npz") as plda:
        assert set(plda.files) == {"mu", "tr", "psi"}


def test_pipeline_loads_offline_with_real_architectures(loaded):
    from pyannote.audio.models.embedding import WeSpeakerResNet34
    from pyannote.audio.models.segmentation import PyanNet
    from pyannote.audio.pipelines.clustering import VBxClustering

    assert isinstance(loaded._segmentation.model, PyanNet)
    assert isinstance(loaded._embedding.model_, WeSpeakerResNet34)
    assert isinstance(loaded.clustering, VBxClustering)
    assert loaded._embedding.dimension == 256
    assert (loaded.clustering.threshold, loaded.clustering.Fa, loaded.clustering.Fb) == (0.6, 0.07, 0.8)


def test_speech_goes_through_clustering_and_yields_turns(loaded, result):
    output, steps = result
    segmentations, embeddings = steps["segmentation"], steps["embeddings"]
    num_chunks, _, local_speakers = segmentations.data.shape
    assert embeddings.shape == (num_chunks, local_speakers, 256)
    train, _, _ = loaded.clustering.filter_embeddings(embeddings, segmentations=segmentations)
    assert len(train) >= 2, "VBx would skip clustering"
    assert segmentations.data[:, :, :2].mean() > 0.2  # both single-speaker classes are used

    turns = list(output.exclusive_speaker_diarization.itertracks(yield_label=True))
    assert turns
    assert all(0.0 <= segment.start < segment.end <= DURATION + 0.1 for segment, _, _ in turns)
    speech_time = output.speaker_diarization.get_timeline().support().duration()
    assert 5.0 < speech_time < DURATION - 3.0  # the pauses are not speech
    labels = output.speaker_diarization.labels()
    assert labels and all(label.startswith("SPEAKER_") for label in labels)
    assert output.speaker_embeddings.shape == (len(labels), 256)


def test_silence_yields_no_turns(loaded):
    output, _ = _run(loaded, np.zeros(int(5 * SR), dtype=np.float32))
    assert len(output.speaker_diarization) == 0 and len(output.exclusive_speaker_diarization) == 0


def test_folder_is_relocatable(tiny_pipeline_dir, tmp_path, speech, result):
    moved = tmp_path / "elsewhere" / "diarization-model"
    shutil.copytree(tiny_pipeline_dir, moved)
    verify_manifest(moved, allow_extra=False)

    pipeline = _load(moved)
    assert Path(pipeline.segmentation_model["checkpoint"]) == moved
    output, _ = _run(pipeline, speech)
    expected, _ = result
    assert output.exclusive_speaker_diarization == expected.exclusive_speaker_diarization
