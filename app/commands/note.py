"""``tingji note TRANSCRIPT.json|AUDIO --template ID``: the record draft, printed for the EMR and saved as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

__all__ = ["register", "build_note", "add_backend_arguments", "drafter_from_args"]

BACKENDS = ("extractive", "ctranslate2", "server")


def register(subparsers) -> None:
    from app.commands.diarize import add_diarization_arguments
    from app.commands.transcribe import add_asr_arguments

    parser = subparsers.add_parser("note", help="draft the outpatient record from a transcript or a recording")
    parser.add_argument("input", type=Path, help="labelled transcript JSON (tingji visit --output) or audio")
    parser.add_argument("--template", default="outpatient-initial", help="template id (tingji templates list)")
    add_backend_arguments(parser)
    parser.add_argument("--output", type=Path, help="write the record JSON here (default: INPUT.record.json)")
    parser.add_argument("--patient", action="store_true",
                        help="print the patient-facing instructions (患者版医嘱) instead of the record")
    parser.add_argument("--asr", type=Path, help="Whisper folder, when INPUT is audio")
    parser.add_argument("--diarization", type=Path, help="pyannote folder, when INPUT is audio")
    add_asr_arguments(parser)
    add_diarization_arguments(parser)
    parser.set_defaults(handler=run)


def build_note(utterances, template_id: str, visit_id: str, backend: str = "extractive"):
    """Draft the record of ``utterances`` with the extractive backend (no model)."""
    from app.template_library import find_template
    from summarizer.extractive import build_record

    if backend != "extractive":
        raise ValueError(f"build_note drafts without a model; use drafter_from_args for the {backend} backend")
    return build_record(utterances, find_template(template_id), visit_id=visit_id)


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose and configure the record backend (shared by ``note`` and ``eval notes``)."""
    group = parser.add_argument_group("record backend")
    group.add_argument("--backend", default="extractive", choices=BACKENDS,
                       help="extractive: no model (default); ctranslate2: local LLM folder; server: clinic "
                            "OpenAI-compatible server, falling back to the local LLM, then to extractive")
    group.add_argument("--llm", type=Path, help="converted LLM folder (default: $TINGJI_LLM_MODEL or the "
                                                "installed one)")
    group.add_argument("--llm-device", default="auto", choices=("auto", "cpu", "cuda"))
    group.add_argument("--llm-compute-type", default=None, help="override int8 (CPU) / int8_float16 (GPU)")
    group.add_argument("--llm-threads", type=int, default=0, help="CPU threads for the LLM (0: all cores)")
    order = group.add_mutually_exclusive_group()
    order.add_argument("--sequential", action="store_true", help="generate sections one after another")
    order.add_argument("--batch", action="store_true", help="generate all sections as one batch (default: batch "
                                                            "on a GPU or server, sequential from the cached "
                                                            "prefix on a CPU)")
    group.add_argument("--no-prefix-cache", action="store_true", help="do not cache the shared prompt prefix")
    group.add_argument("--llm-sections", default="auto", metavar="auto|all|prose|ID,ID",
                       help="sections the LLM writes, the rest from the extracted facts (auto: prose, i.e. 现病史 "
                            "and 处理意见, when the model runs on a CPU; all on a GPU or server)")
    group.add_argument("--llm-inputs", default="auto", choices=("auto", "compact", "whole"),
                       help="what each section's prompt holds: its facts and their utterances (compact) or the "
                            "whole transcript (auto: compact on a CPU)")
    group.add_argument("--server-url", default=os.environ.get("TINGJI_SERVER_URL"),
                       help="clinic server API base, e.g. http://10.0.0.5:8000/v1 (default: $TINGJI_SERVER_URL); "
                            "the API key is read from $TINGJI_SERVER_API_KEY")
    group.add_argument("--server-model", help="model name on the server (default: the first it lists)")
    group.add_argument("--ca-bundle", help="PEM file of the hospital CA for an https server")
    group.add_argument("--insecure", action="store_true", help="accept any TLS certificate (test benches only)")
    group.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the server (default 30)")
    group.add_argument("--retries", type=int, default=2, help="extra attempts when the server fails (default 2)")
    group.add_argument("--server-context", type=int, default=32768, help="the served model's context in tokens")


def _local_llm(args: argparse.Namespace, required: bool):
    from app.commands.sample import find_model
    from summarizer.ct2_llm import load_llm

    folder = find_model("llm", args.llm)
    if folder is None:
        if required:
            raise ValueError("no LLM installed: pass --llm DIR (a converted CTranslate2 model), set "
                             "$TINGJI_LLM_MODEL, or use --backend extractive")
        return None
    return load_llm(folder, device=args.llm_device, compute_type=args.llm_compute_type,
                    threads=args.llm_threads or None)


def _template(template):
    """A template id → the newest version of this site's template (see :mod:`app.template_library`)."""
    from app.template_library import find_template

    return find_template(template) if isinstance(template, str) else template


def _extractive(utterances, template, visit_id: str):
    from summarizer.extractive import build_record

    return build_record(utterances, _template(template), visit_id=visit_id)


def _shape(shape: dict, template) -> dict:
    """The record shape for one draft: a single-section template (a section regenerated) is always the LLM's."""
    if not isinstance(template, str) and len(template.sections) == 1:
        return {**shape, "llm_sections": None}
    return shape


def drafter_from_args(args: argparse.Namespace):
    """A callable ``(utterances, template, visit_id, on_text=None) -> Record`` for the backend the options chose.

    ``template`` is a template id or a :class:`~summarizer.templates.Template` (e.g. one with a single section, to
    regenerate that section).
    ``on_text(section_id, new_text)`` receives an LLM's answer as it streams (the extractive backend has none).

    Models are loaded once, on first use, so the callable can draft many visits. The server backend falls back
    to the local LLM when one is installed, else to the extractive backend; the record's provenance says so.
    """
    from summarizer.llm_types import GenerationOptions

    options = GenerationOptions(batch=False if args.sequential else True if args.batch else None,
                                cache_prefix=not args.no_prefix_cache,
                                timeout_s=args.timeout)
    loaded: dict = {}
    shape = {"compact": "auto" if args.llm_inputs == "auto" else args.llm_inputs == "compact",
             "llm_sections": None if args.llm_sections == "all" else args.llm_sections}

    def once(key, make):
        def get():
            if key not in loaded:
                loaded[key] = make()
            return loaded[key]
        return get

    if args.backend == "extractive":
        return lambda utterances, template, visit_id, on_text=None: _extractive(utterances, template, visit_id)
    if args.backend == "ctranslate2":
        local = once("local", lambda: _local_llm(args, required=True))

        def draft_local(utterances, template, visit_id, on_text=None):
            from summarizer.llm_record import draft_record

            return draft_record(utterances, _template(template), local(), visit_id=visit_id, options=options,
                                on_text=on_text, **_shape(shape, template))

        return draft_local
    if not args.server_url:
        raise ValueError("--backend server needs --server-url (or $TINGJI_SERVER_URL)")

    def make_server():
        from summarizer.server_llm import ServerConfig, connect

        return connect(ServerConfig(
            url=args.server_url, model=args.server_model, api_key=os.environ.get("TINGJI_SERVER_API_KEY") or None,
            ca_bundle=args.ca_bundle, verify_tls=not args.insecure, timeout_s=args.timeout, retries=args.retries,
            context_tokens=args.server_context))

    chain = [make_server, once("local", lambda: _local_llm(args, required=False)), lambda: None]

    def draft_server(utterances, template, visit_id, on_text=None):
        from summarizer.llm_record import draft_with_fallback

        return draft_with_fallback(utterances, _template(template), chain, visit_id=visit_id, options=options,
                                   on_text=on_text, **_shape(shape, template))

    return draft_server


_VERDICT_ZH = {"unsupported": "无依据", "contradicted": "与对话矛盾", "unchecked": "未核查"}


def check_report(record) -> str:
    """Support verdicts and QC findings of a record, as lines for the doctor (what to look at before signing)."""
    from app.commands.check import format_findings
    from app.template_library import template_for_record
    from summarizer.qc import run_qc

    zh = record.language == "zh"
    sentences = [(section, i, s) for section in record.sections for i, s in enumerate(section.sentences)]
    flagged = [(section, i, s) for section, i, s in sentences if s.verdict != "supported"]
    lines = [f"核查：{len(sentences)} 句，{len(flagged)} 句需医生核对" if zh else
             f"Check: {len(sentences)} sentences, {len(flagged)} to review"]
    for section, i, s in flagged:
        verdict = _VERDICT_ZH.get(s.verdict, s.verdict) if zh else s.verdict
        where = f"{section.title} 第{i + 1}句" if zh else f"{section.title}, sentence {i + 1}"
        lines.append(f"[{verdict}] {where}：{s.text}  — {s.reason}" if zh else f"[{verdict}] {where}: {s.text}  — {s.reason}")
    template = template_for_record(record.provenance)
    lines.append(format_findings(record, template, run_qc(record, template)))
    return "\n".join(lines)


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
    record = drafter_from_args(args)(transcript.utterances, args.template, args.input.stem)
    output = args.output or args.input.with_suffix(".record.json")
    output.write_text(record.to_json() + "\n", encoding="utf-8")
    if args.patient:
        if not record.patient_instructions:
            print("tingji: this template has no patient instructions, or the visit gave nothing to put in them",
                  file=sys.stderr)
        print(record.patient_text())
    else:
        print(record.emr_text())
    for note in record.provenance.notes:
        print(f"tingji: {note}", file=sys.stderr)
    print(check_report(record), file=sys.stderr)
    print(f"tingji: record saved to {output}", file=sys.stderr)
    return 0
