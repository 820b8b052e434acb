"""模板管理: department admins list, copy, edit, preview, validate, publish, import and export templates.

Opening the dialog asks for the admin role first (:mod:`app.ui.admin_gate`: the admin password, or membership of
the admins' OS group); a doctor without it is told why and the dialog does not open. Publishing validates the draft,
gives it the next version, writes it to the site folder (:mod:`app.template_library`), records a
``template-change`` audit entry, and makes the window use the new version for new visits.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QPlainTextEdit,
                               QPushButton, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from app.template_library import TemplateLibrary
from app.ui.admin_gate import AdminGate
from app.ui.template_form import TemplateForm
from summarizer.templates import Template, TemplateError

__all__ = ["TemplateAdminDialog", "open_template_admin"]

_ID_ROLE = Qt.UserRole
_VERSION_ROLE = Qt.UserRole + 1


class TemplateAdminDialog(QDialog):
    """The templates with their versions, the form for a draft, its preview, and the actions on it.

    Args:
        window: The main window (its archive audits publishing; it reloads its templates afterwards).
        author: The admin's OS user.
        library: Where templates are read and published (default: the site's).
    """

    published = Signal(object)  # the published Template

    def __init__(self, window, author: str, library: TemplateLibrary | None = None):
        super().__init__(window)
        self.author = author
        self.library = library or TemplateLibrary()
        self.setWindowTitle(self.tr("Template administration"))
        self.resize(1280, 800)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Template"), self.tr("Version"), self.tr("Department")])
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        for column in (1, 2):
            self.tree.header().setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.copy_button = QPushButton(self.tr("New from copy…"))
        self.import_button = QPushButton(self.tr("Import YAML…"))
        self.export_button = QPushButton(self.tr("Export YAML…"))
        self.form = TemplateForm()
        self.preview_view = QPlainTextEdit()
        self.preview_view.setReadOnly(True)
        self.preview_view.setPlaceholderText(self.tr("Press Preview to draft the sample visit's record with this "
                                                     "template"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.validate_button = QPushButton(self.tr("Validate"))
        self.preview_button = QPushButton(self.tr("Preview"))
        self.publish_button = QPushButton(self.tr("Publish"))
        self.close_button = QPushButton(self.tr("Close"))
        self._layout()
        self.tree.currentItemChanged.connect(self._choose)
        self.copy_button.clicked.connect(self._ask_copy)
        self.import_button.clicked.connect(self._ask_import)
        self.export_button.clicked.connect(self._ask_export)
        self.validate_button.clicked.connect(self.validate)
        self.preview_button.clicked.connect(self.preview)
        self.publish_button.clicked.connect(self.publish)
        self.close_button.clicked.connect(self.close)
        self.refresh()

    def _layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        for button in (self.copy_button, self.import_button, self.export_button):
            left_layout.addWidget(button)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel(self.tr("Preview: the sample visit's record")))
        preview_layout.addWidget(self.preview_view, 1)
        splitter = QSplitter(Qt.Horizontal)
        for widget in (left, self.form, preview):
            splitter.addWidget(widget)
        splitter.setSizes([380, 520, 380])
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.validate_button, self.preview_button, self.publish_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # ---------------------------------------------------------------------------------------------- the list
    def refresh(self, select: tuple[str, str] | None = None) -> None:
        """List every template (its newest version first) with all its versions; select one (default: the first)."""
        self.tree.clear()
        chosen, by_id = None, {}
        for template in self.library.all_versions():  # oldest first
            by_id.setdefault(template.id, []).append(template)
        for versions in (by_id[template_id] for template_id in sorted(by_id)):
            current = versions[-1]
            top = QTreeWidgetItem([f"{current.title} ({current.id})", current.version, current.department])
            top.setData(0, _ID_ROLE, current.id)
            top.setData(0, _VERSION_ROLE, current.version)
            self.tree.addTopLevelItem(top)
            for version in reversed(versions):
                item = QTreeWidgetItem([version.title, version.version, version.department])
                item.setData(0, _ID_ROLE, version.id)
                item.setData(0, _VERSION_ROLE, version.version)
                top.addChild(item)
                if select == (version.id, version.version):
                    chosen = item
        if chosen is None and select is None and self.tree.topLevelItemCount():
            chosen = self.tree.topLevelItem(0)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)

    def _choose(self, item, _previous=None) -> None:
        if item is None:
            return
        template = self.library.find(item.data(0, _ID_ROLE), item.data(0, _VERSION_ROLE))
        self.load(template)

    def load(self, template: Template, heading: str = "") -> None:
        """Edit a draft that starts from ``template``."""
        self.form.set_template(template, heading or self.tr("%1 — draft from version %2").replace(
            "%1", template.id).replace("%2", template.version))
        self.preview_view.clear()
        self._say(self.tr("Publishing makes version %1").replace("%1", self.library.next_version(template.id)))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    # ------------------------------------------------------------------------------------------- the draft
    def validate(self) -> Template | None:
        """Check the draft; show the first problem with its field (and select its section), or say it is valid."""
        from summarizer.template_dump import dump_template
        from summarizer.templates import parse_template

        draft = self.form.template()
        if draft is None:
            return None
        try:
            valid = parse_template(dump_template(draft), "<draft>")
        except TemplateError as error:
            if error.field.startswith("sections["):
                self.form.select_section(int(error.field[len("sections["):].split("]")[0]))
            where = re.sub(r"^<draft>(:\d+)?: ", "", str(error))
            self._say(self.tr("Not valid: %1").replace("%1", where), error=True)
            return None
        self._say(self.tr("Valid: %1 sections").replace("%1", str(len(valid.sections))))
        return valid

    def preview(self) -> str:
        """Draft the sample visit's record with the draft template (extractive backend) and show its EMR text."""
        from app.sample_visit import load_sample_visit
        from summarizer.extractive import build_record

        template = self.validate()
        if template is None:
            return ""
        sample = load_sample_visit()
        record = build_record(sample.utterances, template, visit_id=sample.id)
        text = f"{record.title}\n\n{record.emr_text()}"
        self.preview_view.setPlainText(text)
        return text

    def publish(self) -> Template | None:
        """Validate, give the draft the next version, write it, audit it, and make the window use it."""
        from summarizer.template_dump import dump_template

        window = self.parentWidget()  # not kept in an attribute: a Python cycle with the window would let the
        archive = window.archive      # garbage collector free both later, on whichever thread it runs
        if archive.store is None:
            self._say(self.tr("The audit trail is not available, so nothing can be published."), error=True)
            return None
        template = self.validate()
        if template is None:
            return None
        template = replace(template, version=self.library.next_version(template.id))
        try:
            published = self.library.publish(dump_template(template), self.author)
        except (TemplateError, OSError) as error:
            self._say(self.tr("Not published: %1").replace("%1", str(error)), error=True)
            return None
        kept = archive.log("template-change", None, {
            "template_id": published.id, "template_version": published.version, "template_hash": published.sha256,
            "reason": "publish"}, doctor=window.settings.doctor)
        window.reload_templates()
        self.refresh(select=(published.id, published.version))
        if kept:
            self._say(self.tr("Published %1 version %2; new visits use it.").replace("%1", published.id)
                      .replace("%2", published.version))
        else:
            self._say(self.tr("Published %1 version %2, but the audit entry could not be written: %3")
                      .replace("%1", published.id).replace("%2", published.version)
                      .replace("%3", "; ".join(archive.problems)), error=True)
            archive.problems.clear()
        self.published.emit(published)
        return published

    def new_from_copy(self, template_id: str, title: str) -> bool:
        """Start a new template from the draft: another id and title (version 1.0 until published)."""
        template_id, title = template_id.strip(), title.strip()
        if not template_id or not title:
            self._say(self.tr("A new template needs an id and a title."), error=True)
            return False
        if self.library.versions(template_id):
            self._say(self.tr("A template with the id %1 exists already.").replace("%1", template_id), error=True)
            return False
        self.form.set_identity(template_id, title, self.library.next_version(template_id))
        self.form.heading.setText(self.tr("%1 — new template").replace("%1", template_id))
        self._say(self.tr("Publishing makes version %1").replace("%1", self.library.next_version(template_id)))
        return True

    def import_yaml(self, path: Path) -> bool:
        """Edit a template YAML file as a draft (it is validated first)."""
        try:
            template, _ = self.library.import_file(Path(path))
        except TemplateError as error:
            self._say(self.tr("Cannot import: %1").replace("%1", str(error)), error=True)
            return False
        self.load(template, self.tr("%1 — imported from %2").replace("%1", template.id)
                  .replace("%2", Path(path).name))
        return True

    def export_yaml(self, path: Path) -> bool:
        """Write the draft (when valid) as YAML."""
        template = self.validate()
        if template is None:
            return False
        base = self.form.base()
        unchanged = base is not None and base.sha256 and replace(base, path="", sha256="") == \
            replace(template, path="", sha256="")
        try:
            self.library.export(base if unchanged else template, Path(path))
        except OSError as error:
            self._say(self.tr("Cannot export: %1").replace("%1", str(error)), error=True)
            return False
        self._say(self.tr("Exported to %1").replace("%1", str(path)))
        return True

    # ------------------------------------------------------------------------------------------ prompts
    def _ask_copy(self) -> None:
        draft = self.form.template()
        if draft is None:
            return
        template_id, ok = QInputDialog.getText(self, self.tr("New from copy"), self.tr("New template id:"),
                                               text=f"{draft.id}-copy")
        if not ok:
            return
        title, ok = QInputDialog.getText(self, self.tr("New from copy"), self.tr("Title:"), text=draft.title)
        if ok:
            self.new_from_copy(template_id, title)

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import YAML"), "", self.tr("Templates (*.yaml *.yml)"))
        if path:
            self.import_yaml(Path(path))

    def _ask_export(self) -> None:
        draft = self.form.template()
        if draft is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export YAML"), f"{draft.id}-{draft.version}.yaml",
                                              self.tr("Templates (*.yaml *.yml)"))
        if path:
            self.export_yaml(Path(path))


def open_template_admin(window) -> TemplateAdminDialog | None:
    """Check the admin role, then open the dialog (None when refused or cancelled); one dialog at a time."""
    gate = AdminGate(window)
    author = gate.authorize(window)
    gate.deleteLater()
    if author is None:
        return None
    previous = getattr(window, "template_admin", None)
    if previous is not None:
        previous.close()
        previous.deleteLater()
    dialog = TemplateAdminDialog(window, author)
    dialog.show()
    return dialog
