"""``tingji sample``: run the main job on the bundled sample visit (useful with no model installed)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

__all__ = ["register", "find_asr_model"]


def find_asr_model(explicit: Path | None) -> Path | None:
    """The Whisper folder to use: ``--asr``, else ``$TINGJI_ASR_MODEL``, else the first installed one."""
    if explicit:
        return explicit
    if os.environ.get("TINGJI_ASR_MODEL"):
        return Path(os.environ["TINGJI_ASR_MODEL"])
    from app.paths import models_dir

    root = models_dir() / "asr"
    candidates = sorted(p for p in root.iterdir() if (p / "model.bin").is_file()) if root.is_dir() else []
    return candidates[0] if candidates else None


def register(subparsers) -> None:
    parser = subparsers.add_parser("sample", help="process the bundled sample visit (no model needed)")
    parser.add_argument("--asr", type=Path, help="Whisper model folder (default: installed model, if any)")
    parser.add_argument("--format", default="txt", choices=("txt", "json"))
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.formats import clock, transcript_json, transcript_text
    from app.sample_visit import ROLE_LABELS, load_sample_visit

    visit = load_sample_visit()
    model = find_asr_model(args.asr)
    print(f"TingJi 听记 · 示例就诊 {visit.title} · {visit.department} · {visit.duration:.0f} s", file=sys.stderr)
    if model is None:
        print(
            "No speech model is installed, so this is the sample's reference transcript. "
            "Install a Whisper model (see README, 'Installing models') to transcribe the audio itself.",
            file=sys.stderr,
        )
        if args.format == "json":
            print(json.dumps([u.__dict__ for u in visit.utterances], ensure_ascii=False, indent=2))
        else:
            for u in visit.utterances:
                print(f"[{clock(u.start)}] {ROLE_LABELS.get(u.role, u.role)}：{u.text}")
        return 0
    from app.progress import ProgressBar
    from asr.model import load_whisper
    from asr.transcriber import transcribe_file

    engine = load_whisper(model, device=args.device)
    print(f"Transcribing {visit.audio.name} with {engine.info.name} ({engine.info.device}, "
          f"{engine.info.compute_type})", file=sys.stderr)
    transcript = transcribe_file(engine, visit.audio, progress=ProgressBar("transcribing"))
    print(transcript_json(transcript) if args.format == "json" else transcript_text(transcript))
    return 0
