"""tingji doctor: hardware, models (verified or not), audio, server, profile; exit 1 only on blocking problems."""

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app import system_info
from app.doctor import recommend_profile, run_doctor
from app.model_packs import build_pack, install_pack
from cli_runner import tingji


@pytest.fixture()
def home(tmp_path, monkeypatch):
    for name in ("TINGJI_ASR_MODEL", "TINGJI_DIARIZATION_MODEL", "TINGJI_LLM_MODEL", "TINGJI_SERVER_URL",
                 "TINGJI_MODELS_DIR", "TINGJI_SERVER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TINGJI_CONFIG", str(tmp_path / "tingji.toml"))
    (tmp_path / "tingji.toml").write_text("")
    return tmp_path / "home"


def _install(source, kind, name, tmp_path, home):
    folder = tmp_path / f"pack-{name}"
    shutil.copytree(source, folder)
    build_pack(folder, kind=kind, name=name, version="1")
    return install_pack(folder, root=home / "models")[1]


def _statuses(report, name):
    return [c.status for c in report.checks if c.name == name]


def test_fresh_machine_without_speech_model_is_not_ready(home):
    report = run_doctor(audio=False)
    assert not report.ok
    assert any(c.status == "fail" and "no usable speech" in c.summary for c in report.checks)
    names = {c.name for c in report.checks}
    assert {"system", "cpu", "memory", "cuda", "data folder", "config", "model"} <= names
    data = report.to_dict()
    assert data["recommended_profile"]["profile"] in ("CPU", "GPU") and data["ok"] is False
    json.dumps(data)


def test_verified_models_make_it_ready_and_a_changed_byte_fails(tiny_whisper, tiny_diarization, home, tmp_path):
    asr = _install(tiny_whisper, "asr", "whisper-tiny", tmp_path, home)
    _install(tiny_diarization, "diarization", "pyannote-tiny", tmp_path, home)
    report = run_doctor(audio=False)
    assert report.ok, report.text()
    assert [m["state"] for m in report.models] == ["verified", "verified"]
    data = bytearray((asr / "model.bin").read_bytes())
    data[-10] ^= 1
    (asr / "model.bin").write_bytes(bytes(data))
    report = run_doctor(audio=False)
    assert not report.ok
    [failed] = [m for m in report.models if m["state"] == "failed"]
    assert failed["bad_files"] == ["model.bin"] and failed["kind"] == "asr"


def test_data_folder_not_writable_fails(home, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("TINGJI_HOME", str(tmp_path / "file" / "home"))
    report = run_doctor(audio=False)
    assert _statuses(report, "data folder") == ["fail"]


def test_portaudio_missing_is_a_warning(home, monkeypatch):
    import app.capture

    def missing():
        raise app.capture.PortAudioMissingError("libportaudio2 is not installed")

    monkeypatch.setattr(app.capture, "list_input_devices", missing)
    report = run_doctor()
    assert _statuses(report, "audio") == ["warn"]


class _Models(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body = json.dumps({"data": [{"id": "qwen2.5-7b"}]}).encode() if self.path == "/v1/models" else b"{}"
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_clinic_server_reachable_or_not(home, monkeypatch, tiny_llm, tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _Models)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("TINGJI_SERVER_URL", f"http://127.0.0.1:{server.server_port}/v1")
        report = run_doctor(audio=False)
        assert _statuses(report, "server") == ["ok"] and "qwen2.5-7b" in str(report.checks)
    finally:
        server.shutdown()
        server.server_close()
    monkeypatch.setenv("TINGJI_SERVER_URL", f"http://127.0.0.1:{server.server_port}/v1")  # now closed
    assert _statuses(run_doctor(audio=False), "server") == ["fail"]  # no local LLM to fall back on
    _install(tiny_llm, "llm", "qwen-tiny", tmp_path, home)
    assert _statuses(run_doctor(audio=False), "server") == ["warn"]


def test_recommended_profile():
    assert recommend_profile(1, 64 << 30)["asr"].startswith("whisper large-v3-turbo")
    assert "7B" in recommend_profile(2, None)["llm"]
    cpu = recommend_profile(0, 16 << 30)
    assert "small" in cpu["asr"] and "1.5B" in cpu["llm"] and "note" not in cpu
    assert "note" in recommend_profile(0, 4 << 30)


def test_cpu_vector_extensions(monkeypatch):
    monkeypatch.setattr(system_info, "_proc_cpuinfo", lambda: ("Test CPU", {"avx2", "avx512f", "fma", "sse4_2"}))
    info = system_info.cpu_info()
    assert info["model"] == "Test CPU" and {"avx2", "avx512", "fma"} <= set(info["vector_extensions"])
    monkeypatch.setattr(system_info.platform, "machine", lambda: "aarch64")
    monkeypatch.setattr(system_info, "_proc_cpuinfo", lambda: ("", {"fp", "asimd"}))
    assert system_info.cpu_info()["vector_extensions"] == ["neon"]


def test_cuda_count_comes_from_ctranslate2():
    import ctranslate2

    assert system_info.cuda_devices()["count"] == ctranslate2.get_cuda_device_count()


def test_cli_doctor_json_reports_a_tampered_pack(tiny_whisper, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(tiny_whisper, pack)
    proc, _ = tingji("models", "pack", "--kind", "asr", "--name", "w", "--version", "1", pack, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc, _ = tingji("models", "install", pack, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc, attempts = tingji("doctor", "--json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["models"][0]["state"] == "verified"
    with open(tmp_path / "home" / "models" / "asr" / "w-1" / "config.json", "r+b") as handle:
        first = handle.read(1)
        handle.seek(0)
        handle.write(bytes([first[0] ^ 1]))
    proc, _ = tingji("doctor", "--json", tmp_path=tmp_path)
    data = json.loads(proc.stdout)
    assert proc.returncode == 1 and data["ok"] is False
    assert data["models"][0]["state"] == "failed" and data["models"][0]["bad_files"] == ["config.json"]
    proc, _ = tingji("doctor", tmp_path=tmp_path)
    assert proc.returncode == 1 and "FAIL" in proc.stdout and "config.json" in proc.stdout
    assert attempts == ""
