"""Department record templates: YAML files validated on load, with errors that name the file, line and field.

A template says which sections a record has, in which order, what each must contain and how long it may be, and
which terms the speech recognizer should favour. Every record stores the template's id, version and content hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from summarizer.qc_config import OFF, RULES, SEVERITIES, QcConfig

__all__ = ["TemplateError", "Section", "Template", "load_template", "parse_template", "list_templates",
           "find_template", "builtin_dir"]

_LANGUAGES = ("zh", "en")
_TEMPLATE_KEYS = {"id", "version", "language", "department", "title", "sections", "vocabulary", "description",
                  "patient_instructions", "qc"}
_SECTION_KEYS = {"id", "title", "instruction", "required", "max_length", "style", "example", "loinc", "negatives"}
_QC_KEYS = {"chief_complaint_max_chars", "rules"}


class TemplateError(ValueError):
    """A template file is malformed.

    Attributes:
        path: The file.
        line: 1-based line of the problem (0 when unknown).
        field: Dotted path of the field at fault, e.g. ``sections[2].max_length``.
    """

    def __init__(self, path: str, line: int, field: str, message: str):
        self.path, self.line, self.field = path, line, field
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


@dataclass(frozen=True)
class Section:
    """One section of a record.

    Attributes:
        id: Stable identifier (``chief_complaint``...).
        title: Heading shown in the record (``主诉``).
        instruction: What the section must contain (given to the writer, human or model).
        required: Whether an empty section is a QC finding.
        max_length: Maximum characters (0: no limit).
        style: Style notes.
        example: A short example of a good section.
        loinc: LOINC code of the section for FHIR export, when one exists.
        negatives: Pertinent negatives the section should state when discussed (e.g. 胸痛, 咯血).
    """

    id: str
    title: str
    instruction: str
    required: bool = False
    max_length: int = 0
    style: str = ""
    example: str = ""
    loinc: str = ""
    negatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """A validated template and where it came from.

    ``qc`` holds the template's 病历质控 settings (its optional ``qc:`` block; defaults when absent), e.g.::

        qc:
          chief_complaint_max_chars: 20
          rules: {present_illness_onset: off, chief_complaint_length: warning}
    """

    id: str
    version: str
    language: str
    department: str
    title: str
    sections: tuple[Section, ...]
    vocabulary: tuple[str, ...] = ()
    description: str = ""
    patient_instructions: bool = False
    path: str = ""
    sha256: str = ""
    qc: QcConfig = QcConfig()

    def section(self, section_id: str) -> Section:
        """The section with this id.

        Raises:
            KeyError: No such section.
        """
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


def builtin_dir() -> Path:
    """The bundled templates folder."""
    from resources import resource_path

    return resource_path("templates")


def _compose(text: str, path: str):
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise TemplateError(path, mark.line + 1 if mark else 0, "", f"not valid YAML: {error.problem}") from error
    except yaml.YAMLError as error:
        raise TemplateError(path, 0, "", f"not valid YAML: {error}") from error


def _scalar(node, path: str, field: str, kind: type):
    import yaml

    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        raise TemplateError(path, line, field, f"must be a {kind.__name__}, not a list or mapping")
    value = yaml.safe_load(yaml.serialize(node))
    if kind is str:
        if value is None or isinstance(value, (list, dict)):
            raise TemplateError(path, line, field, "must be text")
        return str(value).strip()
    if kind is bool:
        if not isinstance(value, bool):
            raise TemplateError(path, line, field, "must be true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TemplateError(path, line, field, "must be a whole number ≥ 0")
        return value
    raise AssertionError(kind)


def _mapping(node, path: str, field: str, allowed: set[str]) -> dict:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise TemplateError(path, node.start_mark.line + 1, field or "template", "must be a mapping of fields")
    items = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in allowed:
            raise TemplateError(path, key_node.start_mark.line + 1, f"{field}.{key}" if field else key,
                                f"unknown field (allowed: {', '.join(sorted(allowed))})")
        if key in items:
            raise TemplateError(path, key_node.start_mark.line + 1, f"{field}.{key}" if field else key, "appears twice")
        items[key] = value_node
    return items


def _string_list(node, path: str, field: str) -> tuple[str, ...]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        raise TemplateError(path, node.start_mark.line + 1, field, "must be a list")
    return tuple(_scalar(item, path, f"{field}[{i}]", str) for i, item in enumerate(node.value))


def _section(node, path: str, index: int) -> Section:
    field = f"sections[{index}]"
    items = _mapping(node, path, field, _SECTION_KEYS)
    line = node.start_mark.line + 1
    for key in ("id", "title", "instruction"):
        if key not in items:
            raise TemplateError(path, line, f"{field}.{key}", "is required")
    values = {key: _scalar(items[key], path, f"{field}.{key}", str)
              for key in ("id", "title", "instruction", "style", "example", "loinc") if key in items}
    for key in ("id", "title", "instruction"):
        if not values[key]:
            raise TemplateError(path, items[key].start_mark.line + 1, f"{field}.{key}", "must not be empty")
    if "required" in items:
        values["required"] = _scalar(items["required"], path, f"{field}.required", bool)
    if "max_length" in items:
        values["max_length"] = _scalar(items["max_length"], path, f"{field}.max_length", int)
    if "negatives" in items:
        values["negatives"] = _string_list(items["negatives"], path, f"{field}.negatives")
    return Section(**values)


def _qc(node, path: str) -> QcConfig:
    import yaml

    items = _mapping(node, path, "qc", _QC_KEYS)
    limit = _scalar(items["chief_complaint_max_chars"], path, "qc.chief_complaint_max_chars", int) \
        if "chief_complaint_max_chars" in items else None
    severities = []
    if "rules" in items:
        rules = items["rules"]
        if not isinstance(rules, yaml.MappingNode):
            raise TemplateError(path, rules.start_mark.line + 1, "qc.rules", "must be a mapping of rule: severity")
        choices = (*SEVERITIES, OFF, "on")
        for key_node, value_node in rules.value:
            rule, line, field = str(key_node.value), key_node.start_mark.line + 1, f"qc.rules.{key_node.value}"
            if rule not in RULES:
                raise TemplateError(path, line, field, f"unknown rule (known: {', '.join(RULES)})")
            if rule in dict(severities):
                raise TemplateError(path, line, field, "appears twice")
            value = str(value_node.value).strip().lower() if isinstance(value_node, yaml.ScalarNode) else None
            if value not in choices:
                raise TemplateError(path, value_node.start_mark.line + 1, field, f"must be one of {', '.join(choices)}")
            severities.append((rule, RULES[rule] if value == "on" else value))
    return QcConfig(limit, tuple(severities))


def parse_template(text: str, path: str = "<template>") -> Template:
    """Validate template YAML text.

    Raises:
        TemplateError: Naming the line and field of the first problem found.
    """
    import yaml

    root = _compose(text, path)
    if root is None:
        raise TemplateError(path, 0, "", "the file is empty")
    items = _mapping(root, path, "", _TEMPLATE_KEYS)
    for key in ("id", "version", "language", "department", "title", "sections"):
        if key not in items:
            raise TemplateError(path, root.start_mark.line + 1, key, "is required")
    values = {key: _scalar(items[key], path, key, str)
              for key in ("id", "version", "language", "department", "title", "description") if key in items}
    if values["language"] not in _LANGUAGES:
        raise TemplateError(path, items["language"].start_mark.line + 1, "language",
                            f"must be one of {', '.join(_LANGUAGES)}")
    sections_node = items["sections"]
    if not isinstance(sections_node, yaml.SequenceNode) or not sections_node.value:
        raise TemplateError(path, sections_node.start_mark.line + 1, "sections", "must be a non-empty list")
    sections = tuple(_section(node, path, i) for i, node in enumerate(sections_node.value))
    seen: set[str] = set()
    for i, (section, node) in enumerate(zip(sections, sections_node.value)):
        if section.id in seen:
            raise TemplateError(path, node.start_mark.line + 1, f"sections[{i}].id", f"duplicate id {section.id!r}")
        seen.add(section.id)
    vocabulary = _string_list(items["vocabulary"], path, "vocabulary") if "vocabulary" in items else ()
    patient = _scalar(items["patient_instructions"], path, "patient_instructions", bool) \
        if "patient_instructions" in items else False
    qc = _qc(items["qc"], path) if "qc" in items else QcConfig()
    return Template(
        sections=sections, vocabulary=vocabulary, patient_instructions=patient, path=path, qc=qc,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), **values,
    )


def load_template(path: str | Path) -> Template:
    """Read and validate a template file.

    Raises:
        TemplateError: The file is missing, unreadable or malformed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise TemplateError(str(path), 0, "", "file not found") from error
    except UnicodeDecodeError as error:
        raise TemplateError(str(path), 0, "", "not UTF-8 text") from error
    return parse_template(text, str(path))


def list_templates(folders: tuple[Path, ...] | None = None) -> list[Template]:
    """Every valid template in the folders (bundled ones by default), sorted by id; invalid files are skipped."""
    templates = []
    for folder in folders or (builtin_dir(),):
        for file in sorted(Path(folder).glob("*.yaml")):
            try:
                templates.append(load_template(file))
            except TemplateError:
                continue
    return sorted(templates, key=lambda t: t.id)


def find_template(template_id: str, folders: tuple[Path, ...] | None = None) -> Template:
    """The template with this id.

    Raises:
        TemplateError: No template has this id.
    """
    for template in list_templates(folders):
        if template.id == template_id:
            return template
    known = ", ".join(t.id for t in list_templates(folders))
    raise TemplateError(template_id, 0, "", f"no template with this id (available: {known})")
