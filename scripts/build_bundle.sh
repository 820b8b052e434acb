#!/usr/bin/env bash
# Build the one-folder bundle dist/tingji/ with PyInstaller (build.spec) and print its size and the build time.
# Options: --distpath DIR and --workpath DIR (default dist/ and build/); PYTHON=... picks the interpreter
# (default .venv/bin/python, which needs `pip install -e .[test]` or `pip install "pyinstaller>=6"`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="$ROOT/dist"
WORK="$ROOT/build"
while [ $# -gt 0 ]; do
  case "$1" in
    --distpath) DIST="$2"; shift 2 ;;
    --workpath) WORK="$2"; shift 2 ;;
    *) echo "build_bundle: unknown option $1" >&2; exit 2 ;;
  esac
done
"$PYTHON" -c "import PyInstaller" 2>/dev/null || {
  echo "build_bundle: PyInstaller is not installed: $PYTHON -m pip install 'pyinstaller>=6'" >&2; exit 1; }
start=$(date +%s)
cd "$ROOT"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "$WORK" build.spec
seconds=$(( $(date +%s) - start ))
size=$(du -sh "$DIST/tingji" | cut -f1)
echo "bundle: $DIST/tingji (size $size, $(du -sb "$DIST/tingji" | cut -f1) bytes), built in ${seconds} s"
