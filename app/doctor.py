"""``tingji doctor``: is this workstation ready for a visit? Each check says ok, warn or fail.

``fail`` means a visit cannot be recorded and drafted here as configured: the data folder is not writable or its
disk is (almost) full, no speech model is usable, an installed model fails verification, or the configured clinic
server is unreachable while no local LLM could stand in. Everything else that is not ideal is a warning.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["Check", "Report", "run_doctor", "recommend_profile"]

_GIB = 1 << 30
_MIN_FREE = 512 << 20  # bytes: below this a visit's audio journal may not fit
_LOW_FREE = 5 * _GIB
_PROFILES = {
    "gpu": {"profile": "GPU", "asr": "whisper large-v3-turbo (CTranslate2 int8_float16)",
            "llm": "Qwen2.5-7B-Instruct (CTranslate2 int8_float16)", "diarization": "pyannote community-1 on cuda"},
    "cpu": {"profile": "CPU", "asr": "whisper small (CTranslate2 int8)",
            "llm": "Qwen2.5-1.5B-Instruct (CTranslate2 int8)",
            "diarization": "pyannote community-1, embedding batch 1"},
}


@dataclass
class Check:
    """One finding: ``status`` is ok, warn or fail."""

    name: str
    status: str
    summary: str
    details: dict = field(default_factory=dict)


@dataclass
class Report:
    """Every check, the models found and the recommended profile."""

    checks: list[Check] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)
    profile: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def add(self, check: str, status: str, summary: str, **details) -> None:
        self.checks.append(Check(check, status, summary, details))

    def to_dict(self) -> dict:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks], "models": self.models,
                "recommended_profile": self.profile}

    def text(self) -> str:
        marks = {"ok": "  ok ", "warn": " WARN", "fail": " FAIL"}
        lines = [f"{marks[c.status]}  {c.name:<12} {c.summary}" for c in self.checks]
        p = self.profile
        lines += ["", f"Recommended profile ({p.get('profile')}): {p.get('asr')} + {p.get('llm')}; "
                      f"{p.get('diarization')}" + (f" ({p['note']})" if p.get("note") else ""),
                  "", "Ready for visits." if self.ok else "NOT ready: fix the FAIL lines above."]
        return "\n".join(lines)


def recommend_profile(cuda_count: int, memory_total: int | None) -> dict:
    """GPU profile when CTranslate2 sees a CUDA device, else the CPU profile (with a note when RAM is short)."""
    profile = dict(_PROFILES["gpu" if cuda_count else "cpu"])
    if not cuda_count and memory_total is not None and memory_total < 8 * _GIB:
        profile["note"] = "less than 8 GiB RAM: prefer the extractive record (no LLM) or a clinic server"
    return profile


def _gib(n: int | None) -> str:
    return "?" if n is None else f"{n / _GIB:.1f} GiB"


def _check_system(report: Report) -> dict:
    from app import system_info

    osi, cpu, memory = system_info.os_info(), system_info.cpu_info(), system_info.memory_bytes()
    report.add("system", "ok", f"{osi['os']}, Python {osi['python']}{' (bundle)' if osi['frozen'] else ''}", **osi)
    x86 = cpu["machine"] in ("x86_64", "amd64", "i686")
    vector = ", ".join(cpu["vector_extensions"]) or "none found"
    slow = x86 and "avx2" not in cpu["vector_extensions"]
    report.add("cpu", "warn" if slow else "ok",
               f"{cpu['model']}; {cpu['logical_cores']} threads ({cpu['physical_cores']} cores); {vector}"
               + ("; no AVX2: transcription will be slow" if slow else ""), **cpu)
    low = memory["total"] is not None and memory["total"] < 8 * _GIB
    report.add("memory", "warn" if low else "ok",
               f"{_gib(memory['total'])} RAM, {_gib(memory['available'])} available"
               + ("; under 8 GiB, a local LLM may not fit" if low else ""), **memory)
    cuda = system_info.cuda_devices()
    names = ", ".join(d["name"] for d in cuda.get("devices", []))
    report.add("cuda", "ok", f"{cuda['count']} CUDA device(s){': ' + names if names else ''}"
               + ("" if cuda["count"] else " (CPU profile)"), **cuda)
    return {"cuda": cuda["count"], "memory": memory["total"]}


def _check_data_dir(report: Report) -> None:
    from app.paths import data_dir
    from app.system_info import free_disk

    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        report.add("data folder", "fail", f"{folder} is not writable ({error.strerror or error})", path=str(folder))
        return
    free = free_disk(folder)
    status, note = "ok", ""
    if free is not None and free < _MIN_FREE:
        status, note = "fail", "; too little space for a visit's audio"
    elif free is not None and free < _LOW_FREE:
        status, note = "warn", "; the disk is nearly full"
    report.add("data folder", status, f"{folder} writable, {_gib(free)} free{note}", path=str(folder),
               free_bytes=free)


def _check_config(report: Report):
    from app.config import load_config

    config = load_config()
    if config.problems:
        report.add("config", "warn", f"{len(config.problems)} invalid setting(s) ignored: {config.problems[0]}",
                   problems=[str(p) for p in config.problems], files=config.files)
    else:
        report.add("config", "ok", f"hospital file {config.files['hospital']}"
                   f"{'' if Path(config.files['hospital']).is_file() else ' (none)'}", files=config.files)
    return config


def _check_audio(report: Report) -> None:
    from app.capture import PortAudioMissingError, list_input_devices

    try:
        devices = list_input_devices()
    except PortAudioMissingError as error:
        report.add("audio", "warn", f"PortAudio is missing: no microphone can be used ({error})")
        return
    except Exception as error:  # a broken sound stack must not stop the diagnosis
        report.add("audio", "warn", f"cannot list audio devices ({type(error).__name__}: {error})")
        return
    if not devices:
        report.add("audio", "warn", "no audio input device: visits cannot be recorded here (files can be transcribed)")
        return
    default = next((d.name for d in devices if d.is_default), devices[0].name)
    report.add("audio", "ok", f"{len(devices)} input device(s), default: {default}",
               devices=[{"index": d.index, "name": d.name, "default": d.is_default} for d in devices])


def _check_models(report: Report) -> dict[str, bool]:
    """One line per installed model, then whether each kind has a usable one; returns kind → usable."""
    from app.installed_models import check_model, installed_models, runtime_status
    from app.paths import models_dir

    models = installed_models()
    usable = {"asr": False, "diarization": False, "llm": False}
    for kind in usable:
        explicit = os.environ.get(f"TINGJI_{kind.upper()}_MODEL")
        if explicit:
            models.append(check_model(kind, Path(explicit)))
    for model in models:
        entry = model.to_dict()
        entry["runtime_ok"], entry["runtime_check"] = runtime_status(model.runtime)
        report.models.append(entry)
        label = f"{model.kind}/{model.folder.name}"
        if model.state == "failed":
            report.add("model", "fail", f"{label} FAILS verification: {model.problem}", **entry)
            continue
        usable[model.kind] = True
        if model.state == "unverified":
            report.add("model", "warn", f"{label} is not verified: {model.problem}", **entry)
        elif entry["runtime_ok"] is False:
            report.add("model", "warn", f"{label} verified, but {entry['runtime_check']}", **entry)
        else:
            report.add("model", "ok", f"{label} {model.version} verified", **entry)
    if not usable["asr"]:
        report.add("model", "fail", f"no usable speech (asr) model in {models_dir()}: install a Whisper pack")
    if not usable["diarization"]:
        report.add("model", "warn", "no diarization model: transcripts will have no doctor/patient labels")
    return usable


def _check_server(report: Report, config, local_llm: bool) -> None:
    url = config.get("server.url")
    if not url:
        if not local_llm:
            report.add("server", "warn", "no clinic server and no local LLM: records are drafted extractively")
        return
    from summarizer.errors import ServerError
    from summarizer.server_llm import ServerConfig, connect

    key = os.environ.get(str(config.get("server.api_key_env", ""))) or None
    try:
        backend = connect(ServerConfig(url=url, model=config.get("server.model"), api_key=key, timeout_s=3.0,
                                       retries=0))
        report.add("server", "ok", f"{url} answers, model {backend.model}", url=url)
    except ServerError as error:
        status = "warn" if local_llm else "fail"
        fallback = "the local LLM will be used" if local_llm else "no local LLM to fall back on"
        report.add("server", status, f"{url} unusable ({error}); {fallback}", url=url)


def run_doctor(*, audio: bool = True) -> Report:
    """Run every check (quickly: installed models are verified through the stat cache).

    Args:
        audio: Probe audio input devices.

    Returns:
        The report; ``report.ok`` is False when something blocks a visit.
    """
    report = Report()
    hardware = _check_system(report)
    _check_data_dir(report)
    config = _check_config(report)
    if audio:
        _check_audio(report)
    usable = _check_models(report)
    _check_server(report, config, usable["llm"])
    report.profile = recommend_profile(hardware["cuda"], hardware["memory"])
    return report
