"""``tingji visit AUDIO --asr DIR --diarization DIR``: the whole audio → role-labelled transcript path.

Also ``tingji enroll --name NAME AUDIO… --diarization DIR``: store a doctor's voice profile.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register", "labelled_text"]


def labelled_text(transcript) -> str:
    """Readable transcript: one utterance per line with time, role and speaker; roles and reasons first."""
    from app.formats import ROLE_LABELS, clock

    lines = [f"# {r.speaker}: {r.role} ({r.confidence:.2f}) — {r.reason}" for r in transcript.roles]
    for u in transcript.utterances:
        flags = f"  [{', '.join(u.flags)}]" if u.flags else ""
        lines.append(f"[{clock(u.start)}] {ROLE_LABELS.get(u.role, u.role)}（{u.speaker}）：{u.text}{flags}")
    return "\n".join(lines)


def _profile_store():
    from app.paths import data_dir
    from diarization.enrollment import ProfileStore

    return ProfileStore(data_dir() / "voices")


def register(subparsers) -> None:
    from app.commands.diarize import add_diarization_arguments
    from app.commands.transcribe import add_asr_arguments

    parser = subparsers.add_parser("visit", help="audio → role-labelled transcript (ASR + diarization + roles)")
    parser.add_argument("audio", type=Path)
    parser.add_argument("--asr", type=Path, required=True, help="Whisper model folder")
    parser.add_argument("--diarization", type=Path, required=True, help="pyannote speaker-diarization folder")
    parser.add_argument("--format", default="txt", choices=("txt", "json"))
    parser.add_argument("--output", type=Path, help="also write the JSON here")
    add_asr_arguments(parser)
    add_diarization_arguments(parser)
    parser.set_defaults(handler=run_visit)

    enroll = subparsers.add_parser("enroll", help="store a doctor's voice profile for role labelling")
    enroll.add_argument("audio", type=Path, nargs="+", help="recordings of the doctor speaking alone (≥ 10 s)")
    enroll.add_argument("--name", required=True, help="the doctor's name as it should appear")
    enroll.add_argument("--diarization", type=Path, required=True, help="pyannote speaker-diarization folder")
    enroll.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    enroll.set_defaults(handler=run_enroll)


def run_visit(args: argparse.Namespace) -> int:
    from app.commands.diarize import diarization_options
    from app.commands.transcribe import asr_options
    from app.progress import ProgressBar
    from asr.model import load_whisper
    from asr.types import to_dict
    from diarization.model import load_diarization
    from diarization.visit import process_visit_file

    asr_engine = load_whisper(args.asr, device=args.device, compute_type=args.compute_type, threads=args.threads)
    diar_engine = load_diarization(args.diarization, device=args.device)
    transcript = process_visit_file(
        asr_engine, diar_engine, args.audio, asr_options=asr_options(args),
        diarization_options=diarization_options(args), profiles=_profile_store().load_all(),
        progress=ProgressBar("processing visit"),
    )
    document = json.dumps(to_dict(transcript), ensure_ascii=False, indent=2)
    if args.output:
        args.output.write_text(document + "\n", encoding="utf-8")
    print(document if args.format == "json" else labelled_text(transcript))
    if not transcript.utterances:
        print("tingji: no speech found in the audio", file=sys.stderr)
    return 0


def run_enroll(args: argparse.Namespace) -> int:
    import datetime

    import numpy as np

    from asr.audio import load_audio
    from diarization.enrollment import VoiceProfile, centroid
    from diarization.model import load_diarization
    from diarization.voices import voice_embeddings

    if not args.name.strip():
        raise ValueError("--name must not be empty")
    engine = load_diarization(args.diarization, device=args.device)
    embeddings = np.concatenate([voice_embeddings(engine, load_audio(path)) for path in args.audio])
    profile = VoiceProfile(
        name=args.name.strip(),
        embedding=centroid(embeddings),
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        model=engine.info["name"],
        samples=len(embeddings),
    )
    path = _profile_store().save(profile)
    print(f"enrolled {profile.name}: {profile.samples} voice samples, profile saved to {path}")
    return 0
