"""Model folders are validated before loading, and every problem is named with its fix."""

import json
import shutil

import pytest

from asr.errors import ModelFolderError
from asr.manifest import write_manifest
from asr.model import inspect_model_dir, load_whisper, resolve_compute_type, resolve_device


def test_valid_tiny_model_is_described(tiny_whisper):
    info = inspect_model_dir(tiny_whisper)
    assert info.multilingual and info.n_mels == 80
    assert info.encoder_layers == 2 and info.decoder_layers == 2 and info.d_model == 64
    assert info.vocab_size == len(json.loads((tiny_whisper / "vocabulary.json").read_text()))


def test_128_mel_model_loads_and_reports_its_front_end(tiny_whisper_128):
    engine = load_whisper(tiny_whisper_128, device="cpu", threads=1)
    assert engine.info.n_mels == 128
    assert engine.model.feature_extractor.mel_filters.shape[0] == 128


@pytest.mark.parametrize(
    "remove, expected",
    [
        ("tokenizer.json", "tokenizer.json is missing"),
        ("model.bin", "model.bin is missing"),
        ("config.json", "config.json is missing"),
        ("vocabulary.json", "vocabulary.json is missing"),
    ],
)
def test_missing_file_is_named(model_copy, remove, expected):
    (model_copy / remove).unlink()
    with pytest.raises(ModelFolderError) as caught:
        inspect_model_dir(model_copy)
    assert expected in str(caught.value)


def test_128_mel_model_without_preprocessor_config_is_refused(tiny_whisper_128, tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(tiny_whisper_128, folder)
    (folder / "preprocessor_config.json").unlink()
    with pytest.raises(ModelFolderError, match="preprocessor_config.json is missing .* 128 mel"):
        inspect_model_dir(folder)


def test_80_mel_model_without_preprocessor_config_is_fine(model_copy):
    (model_copy / "preprocessor_config.json").unlink()
    assert inspect_model_dir(model_copy).n_mels == 80


def test_vocabulary_without_empty_token_is_refused(model_copy):
    path = model_copy / "vocabulary.json"
    tokens = json.loads(path.read_text())
    tokens[tokens.index("")] = "<|placeholder|>"
    path.write_text(json.dumps(tokens))
    with pytest.raises(ModelFolderError, match='empty-string token ""'):
        inspect_model_dir(model_copy)


def test_vocabulary_without_timestamps_is_refused(model_copy):
    path = model_copy / "vocabulary.json"
    tokens = json.loads(path.read_text())[:-1501]
    path.write_text(json.dumps(tokens))
    with pytest.raises(ModelFolderError, match="1,501 timestamp tokens"):
        inspect_model_dir(model_copy)


def test_truncated_model_bin_is_refused(model_copy):
    path = model_copy / "model.bin"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFolderError, match="model.bin is damaged .*truncated"):
        inspect_model_dir(model_copy)


def test_garbage_model_bin_is_refused(model_copy):
    (model_copy / "model.bin").write_bytes(b"\xff" * 1000)
    with pytest.raises(ModelFolderError, match="model.bin is damaged"):
        inspect_model_dir(model_copy)


def test_vocabulary_from_another_model_is_refused(model_copy, tiny_whisper):
    path = model_copy / "vocabulary.json"
    tokens = json.loads(path.read_text())
    path.write_text(json.dumps(tokens[:10] + ["<|extra|>"] + tokens[10:]))
    with pytest.raises(ModelFolderError, match="come from different models"):
        inspect_model_dir(model_copy)


def test_not_a_folder_and_missing_folder(tmp_path):
    with pytest.raises(ModelFolderError, match="does not exist"):
        inspect_model_dir(tmp_path / "nope")
    file = tmp_path / "file.bin"
    file.write_bytes(b"x")
    with pytest.raises(ModelFolderError, match="not a folder"):
        inspect_model_dir(file)


def test_every_problem_is_listed_at_once(model_copy):
    (model_copy / "tokenizer.json").unlink()
    (model_copy / "config.json").unlink()
    with pytest.raises(ModelFolderError) as caught:
        inspect_model_dir(model_copy)
    assert len(caught.value.problems) == 2


def test_manifest_verifies_and_detects_a_changed_byte(model_copy):
    write_manifest(model_copy, kind="asr", name="tiny-test")
    assert inspect_model_dir(model_copy).verified
    path = model_copy / "model.bin"
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFolderError, match="model.bin does not match its sha256"):
        inspect_model_dir(model_copy)


def test_device_and_compute_type_choice():
    assert resolve_device("cpu") == "cpu"
    assert resolve_compute_type("cpu") == "int8"
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        resolve_device("tpu")
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        assert resolve_device("auto") == "cpu"
        with pytest.raises(ValueError, match="no CUDA device"):
            resolve_device("cuda")


def test_threads_are_configurable(tiny_whisper):
    assert load_whisper(tiny_whisper, device="cpu", threads=1).info.threads == 1
