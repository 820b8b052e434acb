"""The core packages never import Qt, and import no heavy library at import time."""

import subprocess
import sys

CORE = ("asr", "diarization", "summarizer")


def _imported_after(code: str) -> set[str]:
    script = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    import json

    return set(json.loads(out.strip().splitlines()[-1]))


def _all_submodules() -> str:
    return (
        "import pkgutil, importlib\n"
        f"for pkg in {CORE!r}:\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
    )


def test_core_packages_never_import_qt():
    modules = _imported_after(_all_submodules())
    assert "asr.transcriber" in modules  # the walk really imported the submodules
    assert not any(m == "PySide6" or m.startswith("PySide6.") for m in modules)


def test_heavy_libraries_load_only_inside_load_functions():
    modules = _imported_after(_all_submodules())
    for heavy in ("ctranslate2", "faster_whisper", "torch", "pyannote", "av", "onnxruntime"):
        assert heavy not in modules, f"{heavy} imported at import time"


def test_cli_parser_builds_without_qt():
    modules = _imported_after("from app.cli import build_parser; build_parser()")
    assert "PySide6" not in modules
