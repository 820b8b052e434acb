"""The PyInstaller bundle: build it, then run it from the built folder with outbound connections refused.

The frozen executable does not read PYTHONPATH, so the Python-level block of tests/netblock cannot reach it;
instead a tiny C library preloaded with LD_PRELOAD refuses every non-loopback connect()/sendto() and name lookup
(for Python and native code alike) and logs each attempt. Set TINGJI_BUNDLE=<dist/tingji> to test an existing build.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the bundle is built and run on Linux in CI")

NETBLOCK_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void note(const char *what, const char *host) {
    const char *path = getenv("TINGJI_NETLOG");
    FILE *f = path ? fopen(path, "a") : NULL;
    if (f) { fprintf(f, "%s %s\n", what, host ? host : ""); fclose(f); }
}
static int loopback(const struct sockaddr *a) {
    if (!a) return 1;
    if (a->sa_family == AF_INET) return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    if (a->sa_family == AF_INET6) {
        const struct in6_addr *x = &((const struct sockaddr_in6 *)a)->sin6_addr;
        return memcmp(x, &in6addr_loopback, sizeof *x) == 0;
    }
    return 1;  /* Unix sockets and the like */
}
int connect(int fd, const struct sockaddr *a, socklen_t n) {
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real) real = dlsym(RTLD_NEXT, "connect");
    if (!loopback(a)) { note("connect", NULL); errno = ENETUNREACH; return -1; }
    return real(fd, a, n);
}
ssize_t sendto(int fd, const void *b, size_t l, int fl, const struct sockaddr *a, socklen_t n) {
    static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
    if (!real) real = dlsym(RTLD_NEXT, "sendto");
    if (a && !loopback(a)) { note("sendto", NULL); errno = ENETUNREACH; return -1; }
    return real(fd, b, l, fl, a, n);
}
int getaddrinfo(const char *h, const char *s, const struct addrinfo *hint, struct addrinfo **r) {
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real) real = dlsym(RTLD_NEXT, "getaddrinfo");
    if (h && strcmp(h, "localhost") && strcmp(h, "127.0.0.1") && strcmp(h, "::1")) {
        note("getaddrinfo", h); return EAI_FAIL;
    }
    return real(h, s, hint, r);
}
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    if os.environ.get("TINGJI_BUNDLE"):
        yield Path(os.environ["TINGJI_BUNDLE"])
        return
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e .[test])")
    work = tmp_path_factory.mktemp("bundle")
    start = time.monotonic()
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "build_bundle.sh"), "--distpath", str(work / "dist"),
                           "--workpath", str(work / "build"), ], capture_output=True, text=True, timeout=3600,
                          env={**os.environ, "PYTHON": sys.executable})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    print(f"\n{proc.stdout.strip().splitlines()[-1]} (measured {time.monotonic() - start:.0f} s)")
    shutil.rmtree(work / "build", ignore_errors=True)
    yield work / "dist" / "tingji"
    shutil.rmtree(work, ignore_errors=True)  # 4+ GB: do not leave it in pytest's kept temporary folders


@pytest.fixture(scope="module")
def netblock(tmp_path_factory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.fail("a C compiler (cc) is needed to build the network blocker for the frozen executable")
    folder = tmp_path_factory.mktemp("netblock")
    (folder / "netblock.c").write_text(NETBLOCK_C)
    subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-o", str(folder / "netblock.so"), str(folder / "netblock.c"),
                    "-ldl"], check=True)
    return folder / "netblock.so"


def _run(bundle: Path, netblock: Path, tmp_path: Path, *args, timeout=900):
    netlog = tmp_path / "network-attempts.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TINGJI_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(LD_PRELOAD=str(netblock), TINGJI_NETLOG=str(netlog), TINGJI_HOME=str(tmp_path / "home"),
               TINGJI_CONFIG=str(tmp_path / "none.toml"), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([str(bundle / "tingji"), *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=tmp_path)
    return proc, (netlog.read_text() if netlog.exists() else "")


def test_resource_path_knows_source_tree_and_frozen_bundle(monkeypatch, tmp_path):
    from resources import resource_path

    assert resource_path("templates").is_dir() and resource_path("sample_visit", "visit.flac").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("templates") == tmp_path / "resources" / "templates"
    monkeypatch.delattr(sys, "_MEIPASS")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "app" / "tingji"))
    assert resource_path("vocab") == tmp_path / "app" / "resources" / "vocab"


def test_netblock_refuses_outbound_connections(netblock, tmp_path):
    code = "import socket; s = socket.socket(); s.settimeout(2); s.connect(('192.0.2.1', 80))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "LD_PRELOAD": str(netblock), "TINGJI_NETLOG": str(tmp_path / "n.log")})
    assert proc.returncode != 0 and "unreachable" in proc.stderr.lower()
    assert (tmp_path / "n.log").read_text() == "connect \n"


@pytest.mark.slow
def test_bundle_holds_its_data_and_prints_its_size(bundle):
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle {bundle}: {size / 2**30:.2f} GiB")
    internal = bundle / "_internal"
    assert (bundle / "tingji").is_file()
    assert (internal / "resources" / "sample_visit" / "visit.flac").is_file()
    assert list((internal / "resources" / "templates").glob("*"))
    assert list((internal / "faster_whisper" / "assets").glob("*.onnx"))  # Silero VAD
    assert list(internal.glob("PySide6/Qt/plugins/platforms/libqoffscreen.so"))
    assert list(internal.glob("ctranslate2*/**/libctranslate2*.so*")) or list(internal.glob("libctranslate2*.so*"))


@pytest.mark.slow
def test_bundled_doctor_with_installed_packs(bundle, netblock, tiny_whisper, tiny_diarization, tmp_path):
    for source, kind, name in ((tiny_whisper, "asr", "whisper-tiny"), (tiny_diarization, "diarization", "pyannote")):
        pack = tmp_path / f"pack-{name}"
        shutil.copytree(source, pack)
        proc, _ = _run(bundle, netblock, tmp_path, "models", "pack", "--kind", kind, "--name", name, "--version", "1",
                       pack, "--zip", tmp_path / f"{name}.zip")
        assert proc.returncode == 0, proc.stderr
        proc, _ = _run(bundle, netblock, tmp_path, "models", "install", tmp_path / f"{name}.zip")
        assert proc.returncode == 0, proc.stderr
    proc, attempts = _run(bundle, netblock, tmp_path, "doctor", "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] and [m["state"] for m in report["models"]] == ["verified", "verified"]
    assert next(c for c in report["checks"] if c["name"] == "system")["details"]["frozen"] is True
    assert attempts == ""


@pytest.mark.slow
def test_bundled_sample_visit_with_tiny_models(bundle, netblock, tiny_whisper, tiny_diarization, tmp_path):
    proc, attempts = _run(bundle, netblock, tmp_path, "sample", "--asr", tiny_whisper, "--diarization",
                          tiny_diarization, "--beam-size", "1", "--format", "json")
    assert proc.returncode == 0, proc.stderr[-4000:]
    data = json.loads(proc.stdout)
    assert data["transcript"]["utterances"] and data["record"]["sections"]
    assert attempts == ""
