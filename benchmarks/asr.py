"""Whisper speed benchmark (JSON on stdout). Same as ``tingji bench asr``; see :mod:`asr.benchmark`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asr.benchmark import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
