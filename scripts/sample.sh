#!/usr/bin/env bash
# The main job on the bundled sample visit, after setting up what is missing: the desktop client opens the sample visit
# (its transcript, the record draft with evidence links and QC). Without a display it prints the same visit as text.
# Extra arguments go to `tingji gui` (e.g. --replay, --language en), or to `tingji sample` without a display.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = "Darwin" ]; then
  exec "$ROOT/.venv/bin/tingji" gui --sample "$@"
fi
echo "sample: no display found, so the sample visit is shown as text (run on a desktop to open the window)" >&2
exec "$ROOT/.venv/bin/tingji" sample "$@"
