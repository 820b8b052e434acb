"""``tingji transcribe AUDIO --model DIR``: a file to a timed transcript."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def add_asr_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs Whisper."""
    parser.add_argument("--language", default="zh", help="zh, en, another Whisper code, or auto (default zh)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--compute-type", default=None, help="override int8 (CPU) / int8_float16 (GPU)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--vocabulary", default="", help="comma-separated terms to favour (drug names...)")
    parser.add_argument("--deterministic", action="store_true", help="no temperature fallback (repeatable output)")


def asr_options(args: argparse.Namespace):
    """Build :class:`asr.TranscriptionOptions` from the shared arguments."""
    from asr.types import TranscriptionOptions

    vocabulary = tuple(t.strip() for t in args.vocabulary.replace("，", ",").split(",") if t.strip())
    kwargs = {}
    if args.deterministic:
        kwargs["temperatures"] = (0.0,)
    return TranscriptionOptions(
        language=None if args.language == "auto" else args.language,
        beam_size=args.beam_size,
        vocabulary=vocabulary,
        **kwargs,
    )


def register(subparsers) -> None:
    parser = subparsers.add_parser("transcribe", help="transcribe an audio file with a local Whisper model")
    parser.add_argument("audio", type=Path, help="wav, flac, mp3, m4a, ogg or webm")
    parser.add_argument("--model", type=Path, required=True, help="folder of a CTranslate2 Whisper model")
    parser.add_argument("--format", default="txt", choices=("txt", "json", "srt"))
    parser.add_argument("--output", type=Path, help="write here instead of standard output")
    add_asr_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.formats import transcript_json, transcript_srt, transcript_text
    from app.progress import ProgressBar
    from asr.model import load_whisper
    from asr.transcriber import transcribe_file

    options = asr_options(args)
    engine = load_whisper(args.model, device=args.device, compute_type=args.compute_type, threads=args.threads)
    transcript = transcribe_file(engine, args.audio, options, progress=ProgressBar("transcribing"))
    render = {"txt": transcript_text, "json": transcript_json, "srt": transcript_srt}[args.format]
    text = render(transcript)
    for warning in transcript.warnings:
        print(f"tingji: warning: {warning}", file=sys.stderr)
    if transcript.no_speech:
        print("tingji: no speech found in the audio", file=sys.stderr)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    elif text:
        print(text)
    return 0
