"""The templates a site uses: the bundled ones plus the versions department admins published (no Qt).

Published versions live in the site template folder (config ``templates.dir``, default ``<data dir>/templates``) as
``<folder>/<template id>/<version>.yaml``. A version is written once, atomically, made read-only and never
overwritten; publishing needs a version newer than every existing one of that id (bundled or published), compared
number by number (``1.10`` is newer than ``1.9``). Everything that drafts or checks a record resolves templates here,
so a new record drafted with template X uses X's newest version and stores its id, version and sha256.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from summarizer.templates import Template, TemplateError, builtin_dir, load_template, parse_template

__all__ = ["TemplateLibrary", "site_dir", "version_key", "current_templates", "find_template", "template_for_record"]

log = logging.getLogger(__name__)

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_VERSION = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,6}){0,3}$")


def site_dir() -> Path:
    """The site template folder: ``templates.dir`` from the configuration (see :mod:`app.config`)."""
    from app.config import load_config
    from app.paths import data_dir

    return Path(str(load_config().get("templates.dir", data_dir() / "templates"))).expanduser()


def version_key(version: str) -> tuple:
    """Sort key of a version: numbers compared as numbers (``"1.10"`` > ``"1.9"``); other text sorts first."""
    parts = str(version).split(".")
    if all(p.isdigit() for p in parts):
        return (1, tuple(int(p) for p in parts))
    return (0, (str(version),))


class TemplateLibrary:
    """Bundled templates and the site's published versions.

    Args:
        folder: The site template folder (default: :func:`site_dir`).
        builtin: The bundled templates folder (default: the installation's).
    """

    def __init__(self, folder: Path | None = None, builtin: Path | None = None):
        self.folder = Path(folder) if folder is not None else site_dir()
        self.builtin = Path(builtin) if builtin is not None else builtin_dir()

    # ------------------------------------------------------------------------------------------------ reading
    def _published(self) -> list[Template]:
        found = []
        if not self.folder.is_dir():
            return found
        for file in sorted(self.folder.glob("*/*.yaml")):
            try:
                template = load_template(file)
            except TemplateError as error:
                log.warning("skipping an invalid published template: %s", error)
                continue
            if (template.id, template.version) != (file.parent.name, file.stem):
                log.warning("skipping %s: it holds %s %s", file, template.id, template.version)
                continue
            found.append(template)
        return found

    def all_versions(self) -> list[Template]:
        """Every valid template version, bundled and published, by id then version."""
        bundled = []
        for file in sorted(self.builtin.glob("*.yaml")):
            try:
                bundled.append(load_template(file))
            except TemplateError as error:
                log.warning("skipping an invalid bundled template: %s", error)
        return sorted(bundled + self._published(), key=lambda t: (t.id, version_key(t.version)))

    def versions(self, template_id: str) -> list[Template]:
        """Every version of one template, oldest first (empty when the id is unknown)."""
        return [t for t in self.all_versions() if t.id == template_id]

    def current(self) -> list[Template]:
        """The newest version of each template, sorted by id."""
        newest: dict[str, Template] = {}
        for template in self.all_versions():
            newest[template.id] = template  # versions come oldest first
        return sorted(newest.values(), key=lambda t: t.id)

    def find(self, template_id: str, version: str | None = None) -> Template:
        """The newest version of a template, or the given version.

        Raises:
            TemplateError: No template has this id, or it has no such version.
        """
        versions = self.versions(template_id)
        if not versions:
            known = ", ".join(t.id for t in self.current())
            raise TemplateError(template_id, 0, "", f"no template with this id (available: {known})")
        if version is None:
            return versions[-1]
        for template in versions:
            if template.version == str(version):
                return template
        raise TemplateError(template_id, 0, "version", f"no version {version} (available: "
                                                       f"{', '.join(t.version for t in versions)})")

    def for_record(self, provenance) -> Template:
        """The template a record was drafted with (its id and version), else that id's newest version.

        Raises:
            TemplateError: No template has the record's id.
        """
        try:
            return self.find(provenance.template_id, provenance.template_version or None)
        except TemplateError:
            return self.find(provenance.template_id)

    def next_version(self, template_id: str) -> str:
        """The version to publish next: ``1.0`` → ``1.1``, ``1.9`` → ``1.10``; ``1.0`` for a new id."""
        numeric = [t.version for t in self.versions(template_id) if version_key(t.version)[0] == 1]
        if not numeric:
            return "1.0"
        parts = max(numeric, key=version_key).split(".")
        if len(parts) == 1:
            parts.append("0")
        parts[-1] = str(int(parts[-1]) + 1)
        return ".".join(parts)

    # ------------------------------------------------------------------------------------------------ writing
    def publish(self, text: str, author: str) -> Template:
        """Validate a template and write it as a new version: ``<folder>/<id>/<version>.yaml``, read-only.

        Args:
            text: The template YAML (its ``version`` is the version published).
            author: Who publishes (written in the file's first comment line; it is part of the file's hash).

        Returns:
            The published template, as read back from its file.

        Raises:
            TemplateError: The text is invalid, the id or version cannot name a file, or the version is not newer
                than every existing version of the id.
            OSError: The folder cannot be written.
        """
        draft = parse_template(text, "<draft>")
        if not _ID.match(draft.id):
            raise TemplateError("<draft>", 0, "id", "use letters, digits, - and _ only (at most 64), e.g. "
                                                   "cardiology-initial")
        if not _VERSION.match(draft.version):
            raise TemplateError("<draft>", 0, "version", f"must be numbers separated by dots, e.g. 1.1, not "
                                                        f"{draft.version!r}")
        existing = self.versions(draft.id)
        if existing and version_key(draft.version) <= version_key(existing[-1].version):
            raise TemplateError("<draft>", 0, "version",
                                f"{draft.id} {draft.version} is not newer than the existing {existing[-1].version}; "
                                f"publish it as {self.next_version(draft.id)} (published versions are never "
                                f"overwritten)")
        from datetime import datetime, timezone

        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("# published by "))
        final = self.folder / draft.id / f"{draft.version}.yaml"
        _write_new(final, f"# published by {' '.join(author.split()) or 'unknown'} on {stamp}\n{body}")
        log.info("published template %s %s", draft.id, draft.version)
        return load_template(final)

    @staticmethod
    def import_file(path: Path) -> tuple[Template, str]:
        """Read and validate a template YAML file to edit it as a draft.

        Returns:
            The draft template and the file's text.

        Raises:
            TemplateError: The file is missing, unreadable or invalid (naming its path, line and field).
        """
        template = load_template(path)
        return template, Path(path).read_text(encoding="utf-8")

    @staticmethod
    def export(template: Template, path: Path) -> Path:
        """Write a template as YAML (a stored version's own text, else the template written out).

        Raises:
            OSError: The file cannot be written.
        """
        from summarizer.template_dump import dump_template

        text = _stored_text(template) or dump_template(template)
        path = Path(path)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
        return path


def _stored_text(template: Template) -> str:
    """The text of the file the template was read from, when that file still holds exactly it."""
    import hashlib

    try:
        text = Path(template.path).read_text(encoding="utf-8") if template.path else ""
    except (OSError, UnicodeDecodeError):
        return ""
    return text if text and hashlib.sha256(text.encode("utf-8")).hexdigest() == template.sha256 else ""


def _write_new(final: Path, text: str) -> None:
    """Write ``final`` atomically, never replacing an existing file, and make it read-only."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        try:
            os.link(temp, final)  # fails when the version exists, even if another admin just wrote it
        except FileExistsError:
            raise TemplateError(str(final), 0, "version", "this version already exists; published versions are "
                                                          "never overwritten") from None
        except OSError:  # a file system without hard links
            if final.exists():
                raise TemplateError(str(final), 0, "version", "this version already exists") from None
            os.replace(temp, final)
        os.chmod(final, 0o444)
    finally:
        temp.unlink(missing_ok=True)


def current_templates() -> list[Template]:
    """The newest version of every template of this site."""
    return TemplateLibrary().current()


def find_template(template_id: str, version: str | None = None) -> Template:
    """The newest version of a template of this site (or the given version).

    Raises:
        TemplateError: Unknown id or version.
    """
    return TemplateLibrary().find(template_id, version)


def template_for_record(provenance) -> Template:
    """The template a record was drafted with (see :meth:`TemplateLibrary.for_record`)."""
    return TemplateLibrary().for_record(provenance)
