"""``tingji export RECORD.json --format fhir|pdf|patient-pdf|text``: the record for the EMR, a printer or the patient."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

__all__ = ["register"]

FORMATS = ("fhir", "pdf", "patient-pdf", "text")


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export a record: FHIR R4 document, PDF, patient PDF, EMR text")
    parser.add_argument("record", type=Path, help="record JSON (tingji note --output)")
    parser.add_argument("--format", default="fhir", choices=FORMATS)
    parser.add_argument("--output", type=Path, help="file to write (default: beside the record; text: stdout)")
    parser.add_argument("--patient-name", default="", help="patient name (FHIR Patient, PDF header)")
    parser.add_argument("--patient-id", default="", help="hospital patient id")
    parser.add_argument("--sex", default="", help="男/女 or male/female")
    parser.add_argument("--age", default="")
    parser.add_argument("--doctor", default="", help="the doctor's name")
    parser.add_argument("--doctor-id", default="")
    parser.add_argument("--department", default="")
    parser.add_argument("--signed-at", help="ISO time the doctor signed (omit for a draft)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands.check import load_record
    from app.export import AuthorInfo, PatientInfo, emr_clipboard_text, record_to_fhir, validate_composition
    from app.template_library import template_for_record
    from summarizer.templates import TemplateError

    record = load_record(args.record)
    patient = PatientInfo(args.patient_name, args.patient_id, args.sex, args.age)
    author = AuthorInfo(args.doctor, args.doctor_id, args.department)
    try:
        signed_at = datetime.fromisoformat(args.signed_at) if args.signed_at else None
    except ValueError as error:
        raise ValueError(f"--signed-at must be an ISO date and time, e.g. 2026-11-21T10:30+08:00 ({error})") from error
    if args.format == "text":
        text = emr_clipboard_text(record)
        if args.output:
            args.output.write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    suffix = {"fhir": ".fhir.json", "pdf": ".pdf", "patient-pdf": ".patient.pdf"}[args.format]
    output = args.output or args.record.with_name(args.record.name.removesuffix(".json").removesuffix(".record")
                                                  + suffix)
    if args.format == "fhir":
        try:
            template = template_for_record(record.provenance)
        except TemplateError:
            template = None  # a template that no longer exists: sections go out without LOINC codes
        document = record_to_fhir(record, template, patient=patient, author=author, signed_at=signed_at)
        problems = validate_composition(document)
        if problems:
            raise ValueError("the FHIR document failed validation: " + "; ".join(problems))
        output.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        import os

        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a PDF needs no screen
        from app.export import export_patient_pdf, export_pdf

        write = export_pdf if args.format == "pdf" else export_patient_pdf
        pages = write(record, output, patient=patient, author=author, signed_at=signed_at)
        print(f"tingji: {pages} page(s)", file=sys.stderr)
    print(f"tingji: written to {output}", file=sys.stderr)
    return 0
