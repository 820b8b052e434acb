"""The header of a visit: patient name / ID, sex, age, department and template, 初诊 / 复诊."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QRadioButton, QWidget

__all__ = ["PatientHeader"]


class PatientHeader(QWidget):
    """Who the visit is about and which template writes its record."""

    templateChanged = Signal(str)  # template id

    def __init__(self, templates, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Patient name"))
        self.patient_id = QLineEdit()
        self.patient_id.setPlaceholderText(self.tr("Patient ID"))
        self.sex = QComboBox()
        for value, label in (("", self.tr("Sex")), ("男", self.tr("Male")), ("女", self.tr("Female"))):
            self.sex.addItem(label, value)
        self.age = QLineEdit()
        self.age.setPlaceholderText(self.tr("Age"))
        self.age.setMaximumWidth(70)
        self.template = QComboBox()
        for template in templates:
            self.template.addItem(f"{template.department} · {template.title}", template.id)
        self.template.currentIndexChanged.connect(lambda _: self.templateChanged.emit(self.template_id()))
        self.first_visit = QRadioButton(self.tr("First visit"))
        self.follow_up = QRadioButton(self.tr("Follow-up"))
        self.first_visit.setChecked(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel(self.tr("Patient")), self.name, self.patient_id, self.sex, self.age,
                       QLabel(self.tr("Template")), self.template, self.first_visit, self.follow_up):
            row.addWidget(widget)

    def template_id(self) -> str:
        return self.template.currentData() or ""

    def set_template(self, template_id: str) -> bool:
        index = self.template.findData(template_id)
        if index >= 0:
            self.template.setCurrentIndex(index)
        return index >= 0

    def patient(self):
        """The header as :class:`app.export.fhir.PatientInfo`."""
        from app.export.fhir import PatientInfo

        return PatientInfo(name=self.name.text().strip(), id=self.patient_id.text().strip(),
                           sex=self.sex.currentData() or "", age=self.age.text().strip())

    def visit_kind(self) -> str:
        return "follow-up" if self.follow_up.isChecked() else "initial"

    def set_patient(self, name: str = "", patient_id: str = "", sex: str = "", age: str = "") -> None:
        self.name.setText(name)
        self.patient_id.setText(patient_id)
        self.sex.setCurrentIndex(max(0, self.sex.findData(sex)))
        self.age.setText(age)

    def clear(self) -> None:
        self.set_patient()
        self.first_visit.setChecked(True)
