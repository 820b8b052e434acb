#!/usr/bin/env bash
# The main job on the bundled sample visit, after setting up what is missing. Extra arguments go to `tingji sample`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "$ROOT/.venv/bin/tingji" sample "$@"
