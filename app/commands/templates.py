"""``tingji templates list | validate FILE | show ID``: the record templates department admins maintain.

``list`` and ``show`` see the bundled templates and the versions published in the site folder (the newest of each).
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("templates", help="record templates: list, validate, show")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the available templates").set_defaults(handler=run_list)
    validate = actions.add_parser("validate", help="check a template file; errors name the line and field")
    validate.add_argument("file", type=Path)
    validate.set_defaults(handler=run_validate)
    show = actions.add_parser("show", help="the sections of a template")
    show.add_argument("id")
    show.set_defaults(handler=run_show)


def run_list(args: argparse.Namespace) -> int:
    from app.template_library import current_templates

    for template in current_templates():
        print(f"{template.id}\t{template.version}\t{template.language}\t{template.department}\t{template.title}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from summarizer.templates import load_template

    template = load_template(args.file)
    print(f"{args.file}: valid — {template.id} {template.version}, {len(template.sections)} sections, "
          f"sha256 {template.sha256[:12]}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from app.template_library import find_template

    template = find_template(args.id)
    print(f"{template.title} ({template.id} {template.version}, {template.language}, {template.department})")
    for section in template.sections:
        limits = ", ".join(filter(None, ["必填" if template.language == "zh" and section.required else
                                         ("required" if section.required else ""),
                                         f"≤{section.max_length}" if section.max_length else ""]))
        print(f"  {section.title} [{section.id}]{' (' + limits + ')' if limits else ''}: {section.instruction}")
    if template.vocabulary:
        print(f"  vocabulary: {', '.join(template.vocabulary)}")
    return 0
