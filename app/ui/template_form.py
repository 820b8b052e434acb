"""The form that edits one template: title, department, language, the sections and the vocabulary.

The form holds a draft, not a validated template: :meth:`TemplateForm.template` returns what is typed (trimmed),
and the dialog validates it (:mod:`app.ui.template_admin`). Fields the form does not show (version, description,
patient instructions, the ``qc:`` block, a section's style, LOINC code and negatives) are kept from the template
the draft started from.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from summarizer.templates import Section, Template

__all__ = ["TemplateForm"]

_MAX_LENGTH = 100_000


class TemplateForm(QWidget):
    """Edits a template draft; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._base: Template | None = None
        self._sections: list[Section] = []
        self._loading = False
        self.heading = QLabel()
        self.title = QLineEdit()
        self.department = QLineEdit()
        self.language = QComboBox()
        self.language.addItem(self.tr("Chinese"), "zh")
        self.language.addItem(self.tr("English"), "en")
        self.sections = QListWidget()
        self.add_button = QPushButton(self.tr("Add"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.up_button = QPushButton(self.tr("Up"))
        self.down_button = QPushButton(self.tr("Down"))
        self.section_id = QLineEdit()
        self.section_title = QLineEdit()
        self.instruction = QPlainTextEdit()
        self.required = QCheckBox(self.tr("Required (empty is a QC error)"))
        self.max_length = QSpinBox()
        self.max_length.setRange(0, _MAX_LENGTH)
        self.max_length.setSpecialValueText(self.tr("no limit"))
        self.example = QPlainTextEdit()
        self.vocabulary = QPlainTextEdit()
        self.vocabulary.setPlaceholderText(self.tr("One term per line"))
        self._layout()
        self._connect()
        self.setEnabled(False)

    def _layout(self) -> None:
        head = QFormLayout()
        head.addRow(self.tr("Title"), self.title)
        head.addRow(self.tr("Department"), self.department)
        head.addRow(self.tr("Language"), self.language)
        moves = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            moves.addWidget(button)
        section = QFormLayout()
        section.addRow(self.tr("Section id"), self.section_id)
        section.addRow(self.tr("Section title"), self.section_title)
        section.addRow(self.tr("Instruction"), self.instruction)
        section.addRow("", self.required)
        section.addRow(self.tr("Maximum length (characters)"), self.max_length)
        section.addRow(self.tr("Example"), self.example)
        sections_box = QGroupBox(self.tr("Sections"))
        sections_layout = QHBoxLayout(sections_box)
        left = QVBoxLayout()
        left.addWidget(self.sections, 1)
        left.addLayout(moves)
        sections_layout.addLayout(left, 1)
        sections_layout.addLayout(section, 2)
        vocabulary_box = QGroupBox(self.tr("Vocabulary (terms the speech recogniser should favour)"))
        QVBoxLayout(vocabulary_box).addWidget(self.vocabulary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(head)
        layout.addWidget(sections_box, 3)
        layout.addWidget(vocabulary_box, 1)

    def _connect(self) -> None:
        for edit in (self.title, self.department):
            edit.textChanged.connect(lambda _: self._edited())
        self.language.currentIndexChanged.connect(lambda _: self._edited())
        self.vocabulary.textChanged.connect(self._edited)
        self.sections.currentRowChanged.connect(self._show_section)
        self.section_id.textChanged.connect(lambda _: self._section_edited())
        self.section_title.textChanged.connect(lambda _: self._section_edited())
        self.instruction.textChanged.connect(self._section_edited)
        self.required.toggled.connect(lambda _: self._section_edited())
        self.max_length.valueChanged.connect(lambda _: self._section_edited())
        self.example.textChanged.connect(self._section_edited)
        self.add_button.clicked.connect(self.add_section)
        self.remove_button.clicked.connect(self.remove_section)
        self.up_button.clicked.connect(lambda: self.move_section(-1))
        self.down_button.clicked.connect(lambda: self.move_section(1))

    # ------------------------------------------------------------------------------------------- the draft
    def set_template(self, template: Template, heading: str = "") -> None:
        """Start a draft from ``template``."""
        self._loading = True
        self._base = template
        self._sections = list(template.sections)
        self.heading.setText(heading)
        self.title.setText(template.title)
        self.department.setText(template.department)
        self.language.setCurrentIndex(max(0, self.language.findData(template.language)))
        self.vocabulary.setPlainText("\n".join(template.vocabulary))
        self.sections.clear()
        self.sections.addItems([self._label(s) for s in self._sections])
        self._loading = False
        self.setEnabled(True)
        self.select_section(0)

    def template(self) -> Template | None:
        """The draft as typed (not validated), or None before a template is loaded."""
        if self._base is None:
            return None
        terms = tuple(t.strip() for t in self.vocabulary.toPlainText().splitlines() if t.strip())
        return replace(self._base, title=self.title.text().strip(), department=self.department.text().strip(),
                       language=self.language.currentData(), sections=tuple(self._sections), vocabulary=terms,
                       path="", sha256="")

    def base(self) -> Template | None:
        """The template the draft started from."""
        return self._base

    def set_identity(self, template_id: str, title: str, version: str = "1.0") -> None:
        """Make the draft a new template (a copy): another id and title."""
        if self._base is not None:
            self._base = replace(self._base, id=template_id, version=version, path="", sha256="")
            self.title.setText(title)
            self._edited()

    # ------------------------------------------------------------------------------------------- sections
    @staticmethod
    def _label(section: Section) -> str:
        return section.title or section.id

    def select_section(self, index: int) -> None:
        if 0 <= index < len(self._sections):
            self.sections.setCurrentRow(index)
        self._show_section(self.sections.currentRow())

    def _show_section(self, row: int) -> None:
        was_loading, self._loading = self._loading, True
        section = self._sections[row] if 0 <= row < len(self._sections) else Section("", "", "")
        self.section_id.setText(section.id)
        self.section_title.setText(section.title)
        self.instruction.setPlainText(section.instruction)
        self.required.setChecked(section.required)
        self.max_length.setValue(section.max_length)
        self.example.setPlainText(section.example)
        for widget in (self.section_id, self.section_title, self.instruction, self.required, self.max_length,
                       self.example, self.remove_button, self.up_button, self.down_button):
            widget.setEnabled(row >= 0)
        self._loading = was_loading

    def _section_edited(self) -> None:
        row = self.sections.currentRow()
        if self._loading or not 0 <= row < len(self._sections):
            return
        self._sections[row] = replace(
            self._sections[row], id=self.section_id.text().strip(), title=self.section_title.text().strip(),
            instruction=self.instruction.toPlainText().strip(), required=self.required.isChecked(),
            max_length=self.max_length.value(), example=self.example.toPlainText().strip())
        self.sections.item(row).setText(self._label(self._sections[row]))
        self.changed.emit()

    def add_section(self) -> None:
        """A new section after the selected one (its instruction must be written before it validates)."""
        taken = {s.id for s in self._sections}
        number = next(n for n in range(1, len(taken) + 2) if f"section_{n}" not in taken)
        row = self.sections.currentRow() + 1 if self.sections.currentRow() >= 0 else len(self._sections)
        self._sections.insert(row, Section(f"section_{number}", self.tr("New section"), ""))
        self.sections.insertItem(row, self._label(self._sections[row]))
        self.select_section(row)
        self.changed.emit()

    def remove_section(self) -> None:
        row = self.sections.currentRow()
        if 0 <= row < len(self._sections):
            del self._sections[row]
            self.sections.takeItem(row)
            self.select_section(min(row, len(self._sections) - 1))
            self.changed.emit()

    def move_section(self, step: int) -> None:
        """Move the selected section up (-1) or down (+1)."""
        row = self.sections.currentRow()
        target = row + step
        if 0 <= row < len(self._sections) and 0 <= target < len(self._sections):
            self._sections[row], self._sections[target] = self._sections[target], self._sections[row]
            for index in (row, target):
                self.sections.item(index).setText(self._label(self._sections[index]))
            self.select_section(target)
            self.changed.emit()

    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()
