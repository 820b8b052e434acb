"""What this workstation has: OS, CPU and its vector extensions, memory, disk, CUDA devices (no torch import)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["os_info", "cpu_info", "memory_bytes", "free_disk", "cuda_devices"]

_VECTOR_FLAGS = {"avx2": "avx2", "avx512f": "avx512", "avx512_vnni": "avx512_vnni", "avx_vnni": "avx_vnni",
                 "fma": "fma", "asimd": "neon", "neon": "neon", "sse4_2": "sse4.2"}


def os_info() -> dict:
    """OS, Python and whether this is a frozen bundle."""
    return {"os": platform.platform(), "system": platform.system(), "machine": platform.machine(),
            "python": platform.python_version(), "frozen": bool(getattr(sys, "frozen", False))}


def _proc_cpuinfo() -> tuple[str, set[str]]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "", set()
    model, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware", "cpu model") and not model:
            model = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = set(value.split())
    return model, flags


def _sysctl(name: str) -> str:
    try:
        return subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_info() -> dict:
    """CPU model, logical and physical cores, and the vector extensions CTranslate2 and torch use."""
    model, flags = _proc_cpuinfo()
    machine = platform.machine().lower()
    if sys.platform == "darwin":
        model = model or _sysctl("machdep.cpu.brand_string")
        flags |= {f.lower().replace(".", "_") for f in _sysctl("machdep.cpu.features").split()}
        flags |= {f.lower() for f in _sysctl("machdep.cpu.leaf7_features").split()}
    vector = sorted({label for flag, label in _VECTOR_FLAGS.items() if flag in flags})
    if machine in ("arm64", "aarch64") and "neon" not in vector:
        vector.append("neon")  # Advanced SIMD is mandatory on 64-bit ARM
    physical = None
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:  # pragma: no cover - psutil is a dependency
        pass
    return {"model": model or platform.processor() or machine, "machine": machine, "logical_cores": os.cpu_count(),
            "physical_cores": physical, "vector_extensions": vector}


def memory_bytes() -> dict:
    """Total and available RAM in bytes (None when unknown)."""
    try:
        import psutil

        memory = psutil.virtual_memory()
        return {"total": memory.total, "available": memory.available}
    except (ImportError, OSError):  # pragma: no cover
        return {"total": None, "available": None}


def free_disk(path: Path) -> int | None:
    """Free bytes on the disk holding ``path`` (or its nearest existing parent)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free
            except OSError:
                return None
    return None


def cuda_devices() -> dict:
    """CUDA devices as CTranslate2 sees them, with names and memory from nvidia-smi when it is installed."""
    try:
        import ctranslate2

        count = ctranslate2.get_cuda_device_count()
        types = sorted(ctranslate2.get_supported_compute_types("cuda")) if count else []
        cpu_types = sorted(ctranslate2.get_supported_compute_types("cpu"))
    except Exception as error:  # a broken CUDA driver must not stop the diagnosis
        return {"count": 0, "devices": [], "error": f"{type(error).__name__}: {error}"}
    devices = []
    if count and shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                                  "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=10)
            for line in out.stdout.strip().splitlines():
                name, memory, driver = (part.strip() for part in line.split(","))
                devices.append({"name": name, "memory_mib": int(float(memory)), "driver": driver})
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    return {"count": count, "devices": devices, "compute_types": types, "cpu_compute_types": cpu_types}
