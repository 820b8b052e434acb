#!/usr/bin/env bash
# Every test, after setting up what is missing (system packages, .venv). Extra arguments go to pytest.
#
# The tests that drive whole windows (marker `window`) run in a pytest process of their own: run after several
# hundred other tests in one process (model threads, PDF exports, a local server), the window tests hit a
# segmentation fault inside Qt's event loop, while in their own process they pass every time. Until that is
# understood, the two halves run separately; both must pass.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" --test
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
status=0
"$ROOT/.venv/bin/python" -m pytest -m "not window" "$@" || status=$?
[ "$status" -eq 5 ] && status=0  # no test selected in this half (e.g. -k picked only window tests)
second=0
"$ROOT/.venv/bin/python" -m pytest -m window "$@" || second=$?
[ "$second" -eq 5 ] && second=0
[ "$status" -ne 0 ] && exit "$status"
exit "$second"
