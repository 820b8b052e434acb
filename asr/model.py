"""Load a CTranslate2 Whisper model from a local folder, after checking the folder thoroughly.

Nothing here ever reaches a model hub: a folder that would make faster-whisper fall back to a download (no
``tokenizer.json``) is refused before the runtime sees it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from asr.ct2_header import Ct2HeaderError, read_ct2_header
from asr.errors import ModelFolderError, ModelLoadError
from asr.manifest import MANIFEST_NAME, ManifestError, verify_manifest
from asr.types import ModelInfo

__all__ = ["inspect_model_dir", "resolve_device", "resolve_compute_type", "load_whisper", "WhisperEngine"]

log = logging.getLogger(__name__)

_REQUIRED_SPECIALS = ("<|endoftext|>", "<|startoftranscript|>", "<|transcribe|>", "<|notimestamps|>")
_CONVERT_HINT = (
    "convert the original model with: ct2-transformers-converter --model DIR --output_dir OUT "
    "--quantization int8 --copy_files tokenizer.json preprocessor_config.json"
)
# Sizes by (encoder layers, decoder layers, d_model) of the published Whisper checkpoints.
_KNOWN_SHAPES = {
    (4, 4, 384): "tiny",
    (6, 6, 512): "base",
    (12, 12, 768): "small",
    (24, 24, 1024): "medium",
    (32, 32, 1280): "large",
    (32, 4, 1280): "large-v3-turbo",
    (32, 2, 1280): "distil-large",
}


def _read_vocabulary(folder: Path, problems: list[str]) -> list[str] | None:
    json_path, txt_path = folder / "vocabulary.json", folder / "vocabulary.txt"
    try:
        if json_path.is_file():
            tokens = json.loads(json_path.read_text(encoding="utf-8"))
            if not isinstance(tokens, list):
                raise ValueError("not a JSON list")
            return [str(t) for t in tokens]
        if txt_path.is_file():
            return txt_path.read_text(encoding="utf-8").split("\n")[:-1]
    except (ValueError, UnicodeDecodeError) as error:
        problems.append(f"vocabulary.json is unreadable ({error}); {_CONVERT_HINT}")
        return None
    problems.append(f"vocabulary.json is missing; {_CONVERT_HINT}")
    return None


def _check_vocabulary(tokens: list[str], problems: list[str]) -> bool:
    """Check Whisper's special-token layout; return whether the model is multilingual."""
    index = {token: i for i, token in enumerate(tokens)}
    missing = [t for t in _REQUIRED_SPECIALS if t not in index]
    if missing:
        problems.append(f"vocabulary.json lacks Whisper special tokens {missing}; this is not a Whisper vocabulary")
        return False
    no_ts = index["<|notimestamps|>"]
    stamps = tokens[no_ts + 1:]
    if len(stamps) != 1501 or stamps[0] != "<|0.00|>" or stamps[-1] != "<|30.00|>":
        problems.append(
            "vocabulary.json must end with the 1,501 timestamp tokens <|0.00|> … <|30.00|> right after "
            f"<|notimestamps|> (found {len(stamps)} tokens there); {_CONVERT_HINT}"
        )
    has_languages = "<|zh|>" in index or "<|de|>" in index
    if has_languages and "" not in index:
        problems.append(
            'vocabulary.json has language tokens but lacks the empty-string token "" that CTranslate2 needs to treat '
            f"the model as multilingual (it would decode Chinese as English); {_CONVERT_HINT}"
        )
    return has_languages and "" in index


def inspect_model_dir(path: str | os.PathLike, *, verify: bool = True) -> ModelInfo:
    """Validate a converted Whisper folder without loading the weights.

    Args:
        path: The model folder.
        verify: When the folder has a ``manifest.json``, check every file's sha256 against it.

    Returns:
        What the folder holds.

    Raises:
        ModelFolderError: Listing every problem found, each with the file at fault and how to fix it.
    """
    folder = Path(path).expanduser()
    if not folder.exists():
        raise ModelFolderError(str(folder), ["the folder does not exist; pass the folder of a converted Whisper model"])
    if not folder.is_dir():
        raise ModelFolderError(str(folder), ["this is a file, not a folder; pass the folder that holds model.bin"])
    problems: list[str] = []
    verified = False
    if verify and (folder / MANIFEST_NAME).is_file():
        try:
            verify_manifest(folder)
            verified = True
        except ManifestError as error:
            raise ModelFolderError(str(folder), [str(error)]) from error

    header = None
    config: dict = {}
    model_bin = folder / "model.bin"
    if not model_bin.is_file():
        problems.append(f"model.bin is missing; {_CONVERT_HINT}")
    else:
        try:
            header = read_ct2_header(model_bin)
            if header.spec_name and header.spec_name != "WhisperSpec":
                problems.append(f"model.bin holds a {header.spec_name}, not a Whisper model")
                header = None
        except Ct2HeaderError as error:
            problems.append(f"model.bin is damaged ({error}); copy it again or re-convert")
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"config.json is missing; {_CONVERT_HINT}")
    except ValueError as error:
        problems.append(f"config.json is not valid JSON ({error})")

    tokens = _read_vocabulary(folder, problems)
    multilingual = _check_vocabulary(tokens, problems) if tokens is not None else False
    if not (folder / "tokenizer.json").is_file():
        problems.append(
            "tokenizer.json is missing (faster-whisper would try to download one); copy it from the original "
            "model folder, or re-convert with --copy_files tokenizer.json preprocessor_config.json"
        )

    n_mels = 80
    enc_layers = dec_layers = d_model = vocab_size = 0
    if header is not None:
        conv1 = header.shapes.get("encoder/conv1/weight")
        embeddings = header.shapes.get("decoder/embeddings/weight")
        if conv1 is None or embeddings is None:
            problems.append("model.bin lacks the Whisper encoder/decoder variables")
        else:
            d_model, n_mels = conv1[0], conv1[1]
            vocab_size = embeddings[0]
            enc_layers = header.count("encoder/layer_")
            dec_layers = header.count("decoder/layer_")
            if tokens is not None and len(tokens) != vocab_size:
                problems.append(
                    f"vocabulary.json has {len(tokens)} tokens but model.bin was built for {vocab_size}; "
                    "the two files come from different models"
                )
    if n_mels != 80:
        pre = folder / "preprocessor_config.json"
        try:
            feature_size = json.loads(pre.read_text(encoding="utf-8")).get("feature_size")
        except FileNotFoundError:
            feature_size = None
            problems.append(
                f"preprocessor_config.json is missing but this model takes {n_mels} mel bins (large-v3 / turbo); "
                "copy it from the original model folder"
            )
        except ValueError as error:
            feature_size = n_mels
            problems.append(f"preprocessor_config.json is not valid JSON ({error})")
        if feature_size is not None and feature_size != n_mels:
            problems.append(f"preprocessor_config.json says feature_size={feature_size} but the model takes {n_mels}")
    if config and multilingual and not config.get("lang_ids"):
        problems.append("config.json has no lang_ids, so language detection cannot work; re-convert the model")
    if problems:
        raise ModelFolderError(str(folder), problems)
    name = _KNOWN_SHAPES.get((enc_layers, dec_layers, d_model), f"whisper-{enc_layers}x{dec_layers}x{d_model}")
    return ModelInfo(
        path=str(folder.resolve()),
        name=f"{folder.name} ({name})",
        n_mels=n_mels,
        multilingual=multilingual,
        vocab_size=vocab_size,
        encoder_layers=enc_layers,
        decoder_layers=dec_layers,
        d_model=d_model,
        verified=verified,
    )


def resolve_device(device: str = "auto") -> str:
    """Map ``auto|cpu|cuda`` to the device that will actually run.

    Raises:
        ValueError: ``device`` is not one of the three, or ``cuda`` was asked for on a machine without CUDA.
    """
    import ctranslate2

    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
    cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "cuda" and not cuda:
        raise ValueError("device 'cuda' was requested but no CUDA device is visible; use --device cpu")
    return "cuda" if device == "cuda" or (device == "auto" and cuda) else "cpu"


def resolve_compute_type(device: str, requested: str | None = None) -> str:
    """Pick the compute type: int8 on CPU, int8_float16 (else float16) on GPU, unless one is requested."""
    import ctranslate2

    supported = set(ctranslate2.get_supported_compute_types(device))
    if requested:
        if requested not in supported and requested != "default":
            raise ValueError(f"compute type {requested} is not supported on {device}; choose from {sorted(supported)}")
        return requested
    preferences = ("int8",) if device == "cpu" else ("int8_float16", "float16", "int8")
    for choice in preferences + ("float32",):
        if choice in supported:
            return choice
    return "default"


def default_threads() -> int:
    """CPU threads for inference: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class WhisperEngine:
    """A loaded Whisper model; thin owner of the faster-whisper object. Create with :func:`load_whisper`."""

    def __init__(self, model, info: ModelInfo):
        self.model = model
        self.info = info


def load_whisper(
    path: str | os.PathLike,
    *,
    device: str = "auto",
    compute_type: str | None = None,
    threads: int = 0,
    verify: bool = True,
) -> WhisperEngine:
    """Validate and load a CTranslate2 Whisper folder.

    Args:
        path: The converted model folder.
        device: ``auto``, ``cpu`` or ``cuda``.
        compute_type: Override the per-device default (int8 on CPU, int8_float16 on GPU).
        threads: CPU threads; 0 uses every available core.
        verify: Check the folder's manifest when it has one.

    Returns:
        The engine, ready to transcribe.

    Raises:
        ModelFolderError: The folder is incomplete or inconsistent.
        ModelLoadError: The runtime could not load the weights.
        ValueError: Bad device or compute type.
    """
    info = inspect_model_dir(path, verify=verify)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import ctranslate2
    from faster_whisper import WhisperModel

    resolved = resolve_device(device)
    ctype = resolve_compute_type(resolved, compute_type)
    threads = threads or default_threads()
    try:
        model = WhisperModel(
            info.path, device=resolved, compute_type=ctype, cpu_threads=threads, local_files_only=True
        )
    except (RuntimeError, ValueError, OSError) as error:
        raise ModelLoadError(f"could not load Whisper model {info.path}: {error}") from error
    log.info("loaded Whisper model %s on %s (%s, %d threads)", info.name, resolved, ctype, threads)
    info = ModelInfo(
        **{**info.__dict__, "device": resolved, "compute_type": ctype, "threads": threads,
           "runtime": f"ctranslate2 {ctranslate2.__version__}"}
    )
    return WhisperEngine(model, info)
