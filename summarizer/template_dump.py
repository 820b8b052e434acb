"""Write a :class:`~summarizer.templates.Template` back to YAML, readable by people and by :func:`parse_template`.

The text keeps Chinese as written (not ``\\u`` escapes), lists of terms on one line like the bundled files, and
multi-line text as literal blocks. Fields left at their defaults (empty style, no negatives...) are not written.
``parse_template(dump_template(t))`` equals ``t`` apart from ``path`` and ``sha256``, which belong to a file.
"""

from __future__ import annotations

from summarizer.templates import Section, Template

__all__ = ["dump_template"]

_WIDTH = 118  # wrap long flow lists near the width of the bundled files


class _Terms(list):
    """A list of short terms, written in flow style: ``[胸痛, 咯血]``."""


def _dumper():
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)  # "  - id: ..." under "sections:", as in the bundled files

    def text(dumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    def terms(dumper, value: _Terms):
        return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)

    Dumper.add_representer(str, text)
    Dumper.add_representer(_Terms, terms)
    return Dumper


def _section(section: Section) -> dict:
    out: dict = {"id": section.id, "title": section.title, "instruction": section.instruction,
                 "required": section.required}
    if section.max_length:
        out["max_length"] = section.max_length
    for key in ("style", "example", "loinc"):
        if getattr(section, key):
            out[key] = getattr(section, key)
    if section.negatives:
        out["negatives"] = _Terms(section.negatives)
    return out


def template_mapping(template: Template) -> dict:
    """The template as the mapping its YAML file holds (keys in the order the bundled files use)."""
    out: dict = {"id": template.id, "version": str(template.version), "language": template.language,
                 "department": template.department, "title": template.title}
    if template.description:
        out["description"] = template.description
    if template.patient_instructions:
        out["patient_instructions"] = True
    qc = template.qc.to_dict()
    if qc:
        out["qc"] = qc
    if template.vocabulary:
        out["vocabulary"] = _Terms(template.vocabulary)
    out["sections"] = [_section(s) for s in template.sections]
    return out


def dump_template(template: Template, *, comment: str = "") -> str:
    """The template as YAML text.

    Args:
        template: The template (validated or a draft being edited: nothing is checked here).
        comment: A first comment line (default: the template's title, id and version).

    Returns:
        UTF-8 YAML text ending with a newline.
    """
    import yaml

    body = yaml.dump(template_mapping(template), Dumper=_dumper(), allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=_WIDTH)
    head = comment or f"{template.title} ({template.id} {template.version})"
    lines = "".join(f"# {line}\n" for line in head.splitlines() if line.strip())
    return lines + body
