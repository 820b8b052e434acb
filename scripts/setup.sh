#!/usr/bin/env bash
# Prepare this checkout on a Debian/Ubuntu machine that has only python3: system packages, a virtual environment in
# .venv, and TingJi installed into it. `setup.sh --test` also installs the test tools (among them llama-cpp-python,
# which compiles from source: about 10 minutes on 2 cores, once). Safe to run again: it only does what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
EXTRAS=""
[ "${1:-}" = "--test" ] && EXTRAS="[test]"

# espeak-ng: synthetic speech for the sample visit and the tests; libportaudio2: microphone capture (sounddevice);
# fonts-wqy-microhei: Chinese text in the window; the rest: what Qt 6 needs to draw (also offscreen);
# pulseaudio: a virtual microphone for the real-device capture test.
APT_PACKAGES=(espeak-ng libportaudio2 fonts-wqy-microhei libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
              libglib2.0-0 pulseaudio pulseaudio-utils libasound2-plugins)
# The test tools compile llama-cpp-python (the real OpenAI-compatible server the server backend is tested against).
[ -n "$EXTRAS" ] && APT_PACKAGES+=(build-essential cmake)

python3 - <<'PY' || { echo "TingJi needs Python 3.11 or newer (found $(python3 --version 2>&1))." >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
python3 -c "import ensurepip, venv" 2>/dev/null || APT_PACKAGES+=(python3-venv)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "setup: please install as root: apt-get install ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  python3 -m venv "$VENV"
fi
stamp="$VENV/.tingji-installed"
want="$( (cat "$ROOT/pyproject.toml"; echo "$EXTRAS") | sha256sum | cut -d' ' -f1)"
# A test install also satisfies the plain one.
if [ -z "$EXTRAS" ] && [ -f "$stamp.test" ] && [ "$(cat "$stamp.test")" = "$( (cat "$ROOT/pyproject.toml"; echo "[test]") | sha256sum | cut -d' ' -f1)" ]; then
  exit 0
fi
[ -n "$EXTRAS" ] && stamp="$stamp.test"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing TingJi and its dependencies into $VENV (first time: a few minutes, about 5 GB)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>/dev/null || true
  export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT$EXTRAS"
  echo "$want" > "$stamp"
fi
