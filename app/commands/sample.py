"""``tingji sample``: run the main job on the bundled sample visit (useful with no model installed)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

__all__ = ["register", "find_model"]


def find_model(kind: str, explicit: Path | None) -> Path | None:
    """The model folder to use: the argument, else ``$TINGJI_<KIND>_MODEL``, else an installed, verified one.

    Paths the user names (argument, environment) are used as given; their loaders still check a manifest when the
    folder has one. Installed models are taken only when they verify (see :func:`app.installed_models.find_installed`).

    Raises:
        ManifestError: Models of this kind are installed but every one fails verification.
    """
    if explicit:
        return explicit
    variable = f"TINGJI_{kind.upper()}_MODEL"
    if os.environ.get(variable):
        return Path(os.environ[variable])
    from app.installed_models import find_installed

    return find_installed(kind)


def register(subparsers) -> None:
    parser = subparsers.add_parser("sample", help="process the bundled sample visit (no model needed)")
    parser.add_argument("--asr", type=Path, help="Whisper model folder (default: installed model, if any)")
    parser.add_argument("--diarization", type=Path, help="pyannote pipeline folder (default: installed, if any)")
    parser.add_argument("--format", default="txt", choices=("txt", "json"))
    parser.add_argument("--template", default="outpatient-initial", help="record template id")
    from app.commands.transcribe import add_asr_arguments

    add_asr_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.formats import ROLE_LABELS, clock, transcript_json, transcript_text
    from app.sample_visit import load_sample_visit
    from asr.types import to_dict

    visit = load_sample_visit()
    model = find_model("asr", args.asr)
    diarization = find_model("diarization", args.diarization) if model else None
    print(f"TingJi 听记 · 示例就诊 {visit.title} · {visit.department} · {visit.duration:.0f} s", file=sys.stderr)
    if model is None:
        print(
            "No speech model is installed, so this is the sample's reference transcript. "
            "Install a Whisper model (see README, 'Installing models') to transcribe the audio itself.",
            file=sys.stderr,
        )
        record = _record(visit.utterances, args.template, visit.id)
        if args.format == "json":
            print(json.dumps({"utterances": to_dict(list(visit.utterances)), "record": to_dict(record)},
                             ensure_ascii=False, indent=2))
        else:
            for u in visit.utterances:
                print(f"[{clock(u.start)}] {ROLE_LABELS.get(u.role, u.role)}：{u.text}")
            _print_record(record)
        return 0
    from app.progress import ProgressBar
    from asr.model import load_whisper
    from asr.transcriber import transcribe_file

    from app.commands.transcribe import asr_options

    options = asr_options(args)
    engine = load_whisper(model, device=args.device, compute_type=args.compute_type, threads=args.threads)
    print(f"Transcribing {visit.audio.name} with {engine.info.name} ({engine.info.device}, "
          f"{engine.info.compute_type})", file=sys.stderr)
    if diarization is None:
        print("No diarization model is installed: the transcript has no speaker roles.", file=sys.stderr)
        transcript = transcribe_file(engine, visit.audio, options, progress=ProgressBar("transcribing"))
        print(transcript_json(transcript) if args.format == "json" else transcript_text(transcript))
        return 0
    from app.commands.visit import labelled_text
    from diarization.model import load_diarization
    from diarization.visit import process_visit_file

    labelled = process_visit_file(engine, load_diarization(diarization, device=args.device), visit.audio,
                                  asr_options=options, progress=ProgressBar("processing visit"))
    record = _record(labelled.utterances, args.template, visit.id)
    if args.format == "json":
        print(json.dumps({"transcript": to_dict(labelled), "record": to_dict(record)}, ensure_ascii=False, indent=2))
    else:
        print(labelled_text(labelled))
        _print_record(record)
    return 0


def _record(utterances, template_id: str, visit_id: str):
    from app.commands.note import build_note

    return build_note(utterances, template_id, visit_id)


def _print_record(record) -> None:
    rule = "─" * 40
    print(f"\n{rule}\n{record.title}（草稿，由 {record.provenance.backend} 生成，需医生核对签名）\n{rule}")
    print(record.emr_text())
    from app.commands.note import check_report

    print(f"\n{check_report(record)}")
    if record.patient_instructions:
        print(f"\n{rule}\n{record.patient_text()}")
