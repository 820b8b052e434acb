"""LLM speed benchmark (JSON on stdout). Same as ``tingji bench llm``; see :mod:`summarizer.llm_benchmark`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarizer.llm_benchmark import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
