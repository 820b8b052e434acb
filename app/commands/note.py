"""``tingji note TRANSCRIPT.json|AUDIO --template ID``: the record draft, printed for the EMR and saved as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register", "build_note"]

BACKENDS = ("extractive",)


def register(subparsers) -> None:
    from app.commands.diarize import add_diarization_arguments
    from app.commands.transcribe import add_asr_arguments

    parser = subparsers.add_parser("note", help="draft the outpatient record from a transcript or a recording")
    parser.add_argument("input", type=Path, help="labelled transcript JSON (tingji visit --output) or audio")
    parser.add_argument("--template", default="outpatient-initial", help="template id (tingji templates list)")
    parser.add_argument("--backend", default="extractive", choices=BACKENDS)
    parser.add_argument("--output", type=Path, help="write the record JSON here (default: INPUT.record.json)")
    parser.add_argument("--asr", type=Path, help="Whisper folder, when INPUT is audio")
    parser.add_argument("--diarization", type=Path, help="pyannote folder, when INPUT is audio")
    add_asr_arguments(parser)
    add_diarization_arguments(parser)
    parser.set_defaults(handler=run)


def build_note(utterances, template_id: str, visit_id: str, backend: str = "extractive"):
    """Draft the record of ``utterances`` with the named template and backend."""
    from summarizer.extractive import build_record
    from summarizer.templates import find_template

    template = find_template(template_id)
    if backend != "extractive":  # pragma: no cover - guarded by argparse choices
        raise ValueError(f"unknown backend {backend}")
    return build_record(utterances, template, visit_id=visit_id)


def run(args: argparse.Namespace) -> int:
    if args.input.suffix.lower() == ".json":
        from diarization.serialize import labelled_from_dict

        try:
            data = json.loads(args.input.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{args.input} is not valid JSON ({error})") from error
        transcript = labelled_from_dict(data)
    else:
        if not (args.asr and args.diarization):
            raise ValueError("audio input needs --asr DIR and --diarization DIR (or give a transcript JSON)")
        from app.commands.diarize import diarization_options
        from app.commands.transcribe import asr_options
        from app.progress import ProgressBar
        from asr.model import load_whisper
        from diarization.model import load_diarization
        from diarization.visit import process_visit_file

        transcript = process_visit_file(
            load_whisper(args.asr, device=args.device, threads=args.threads),
            load_diarization(args.diarization, device=args.device), args.input,
            asr_options=asr_options(args), diarization_options=diarization_options(args),
            progress=ProgressBar("processing visit"),
        )
    if not transcript.utterances:
        print("tingji: no speech in this visit, so no record was drafted", file=sys.stderr)
        return 1
    record = build_note(transcript.utterances, args.template, args.input.stem, args.backend)
    output = args.output or args.input.with_suffix(".record.json")
    output.write_text(record.to_json() + "\n", encoding="utf-8")
    print(record.emr_text())
    print(f"tingji: record saved to {output}", file=sys.stderr)
    return 0
