"""``tingji check RECORD.json``: 病历质控 (record QC) findings for a drafted record."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register", "load_record", "format_findings"]

EXIT_ERROR_FINDINGS = 3

_EPILOG = """\
exit status:
  0  no error-severity finding (warnings and notes may remain)
  1  the record file or the template could not be read
  3  at least one error-severity finding
"""
_LABELS = {"zh": {"error": "错误", "warning": "警告", "info": "提示"},
           "en": {"error": "error", "warning": "warning", "info": "note"}}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="病历质控: check a record draft against its template's QC rules",
        description="Check a record JSON (tingji note --output) for missing sections, 主诉 form and length, "
                    "现病史 onset and course, necessary negatives, the allergy statement, the diagnosis, and "
                    "allergy contradictions and drug-allergy conflicts.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("record", type=Path, help="record JSON written by tingji note")
    parser.add_argument("--template", help="template id or YAML file (default: the template the record names)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.set_defaults(handler=run)


def load_record(path: Path):
    """Read a record JSON file.

    Raises:
        ValueError: The file is missing, unreadable, not JSON or not a TingJi record.
    """
    from summarizer.record import record_from_dict

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ValueError(f"{path}: record file not found") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read the record file ({error})") from error
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValueError(f"{path} is not valid JSON ({error})") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a TingJi record (expected a JSON object)")
    try:
        return record_from_dict(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error


def _template(spec: str):
    from app.template_library import find_template
    from summarizer.templates import load_template

    if spec.endswith((".yaml", ".yml")) and Path(spec).is_file():
        return load_template(spec)
    return find_template(spec)


def format_findings(record, template, findings) -> str:
    """The findings as lines a doctor reads, in the record's language."""
    zh = record.language == "zh"
    labels = _LABELS["zh" if zh else "en"]
    counts = {s: sum(f.severity == s for f in findings) for s in labels}
    if zh:
        head = f"病历质控 {template.title}（{record.visit_id}）："
        head += "未发现问题" if not findings else \
            f"{counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 个提示"
    else:
        head = f"QC of {template.title} ({record.visit_id}): "
        head += "no findings" if not findings else \
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"
    lines = [head]
    sections = {s.id: s for s in record.sections}
    for f in findings:
        where = f.section_title or f.section_id
        if f.sentence_index is not None:
            where += f" 第{f.sentence_index + 1}句" if zh else f", sentence {f.sentence_index + 1}"
        lines.append(f"[{labels[f.severity]}] {where}{'：' if zh else ': '}{f.message}  ({f.rule})")
        section = sections.get(f.section_id)
        if section is not None and f.sentence_index is not None and f.sentence_index < len(section.sentences):
            lines.append(f"    “{section.sentences[f.sentence_index].text}”" if zh else
                         f'    "{section.sentences[f.sentence_index].text}"')
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from app.template_library import template_for_record
    from summarizer.qc import has_errors, run_qc

    record = load_record(args.record)
    template = _template(args.template) if args.template else template_for_record(record.provenance)
    if not args.template and template.sha256 != record.provenance.template_sha256:
        print(f"tingji: note: template {template.id} has changed since this record was drafted "
              f"({record.provenance.template_version} → {template.version})", file=sys.stderr)
    findings = run_qc(record, template)
    if args.json:
        print(json.dumps({"visit_id": record.visit_id, "template_id": template.id,
                          "template_version": template.version,
                          "counts": {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")},
                          "findings": [f.to_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        print(format_findings(record, template, findings))
    return EXIT_ERROR_FINDINGS if has_errors(findings) else 0
