"""The ``tingji`` command line. Works without Qt; only ``tingji gui`` starts the desktop client."""

from __future__ import annotations

import argparse
import sys

from app.offline import enforce_offline

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    from app.commands import (admin, audit, bench, check, config, diarize, doctor, evaluate, export, gui, models,
                              note, sample, templates, transcribe, visit)

    parser = argparse.ArgumentParser(prog="tingji", description="TingJi 听记 — offline outpatient visit scribe")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (gui, sample, transcribe, diarize, visit, note, check, export, templates, evaluate, models, bench,
                   audit, admin, doctor, config):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; print a one-line reason and return non-zero on failure."""
    enforce_offline()
    parser = build_parser()
    args = parser.parse_args(argv)
    from app.installed_models import enable_verification_cache
    from app.logs import setup_logging

    setup_logging(verbose=args.verbose)  # stderr as before, plus the rotating log file (no patient data)
    enable_verification_cache()
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from app.store.errors import StoreError
    from asr.errors import AsrError
    from asr.manifest import ManifestError
    from diarization.errors import DiarizationError
    from summarizer.errors import SummarizerError
    from summarizer.templates import TemplateError

    try:
        return int(args.handler(args) or 0)
    except (AsrError, DiarizationError, ManifestError, StoreError, SummarizerError, TemplateError, ValueError,
            OSError) as error:
        message = " ".join(str(error).split())
        print(f"tingji: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tingji: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
