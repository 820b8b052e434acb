"""What the doctor does with a finished draft: sign, copy for the EMR, export PDF and FHIR (a window mix-in)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog

__all__ = ["OutputActions"]


class OutputActions:
    """Mixed into :class:`app.ui.main_window.MainWindow` (uses its ``visit``, ``editor``, ``header``...)."""

    def _author(self):
        from app.export.fhir import AuthorInfo

        template = self.templates.get(self.visit.template_id) if self.visit else None
        return AuthorInfo(name=self.settings.doctor, department=template.department if template else "")

    def current_record(self):
        """The record as the doctor left it in the editor (None without a visit or record)."""
        if self.visit is None or self.visit.record is None:
            return None
        if self.visit.status != "signed":
            self.visit.record = self.editor.current_record()
        return self.visit.record

    def sign_record(self) -> bool:
        """Sign the draft: who and when are recorded, the editor becomes read-only."""
        record = self.current_record()
        if record is None or self.visit.status != "draft":
            return False
        self.visit.signed_by = self.settings.doctor
        self.visit.signed_at = datetime.now().astimezone()
        if self.visit.store_id:
            self.archive.sign(self.visit.store_id, record, self.visit.signed_by,
                              edited=bool(self.editor.edited_sections()))
            self._archive_problems()
        self._set_status("signed")
        self.tell(self.tr("Signed by %1 at %2").replace("%1", self.visit.signed_by)
                  .replace("%2", self.visit.signed_at.strftime("%H:%M")))
        return True

    def copy_record(self) -> str:
        """Put the EMR-ready text on the clipboard (Ctrl+Shift+C); returns it (empty when there is no record)."""
        from app.export.clipboard import emr_clipboard_text

        record = self.current_record()
        if record is None:
            return ""
        text = emr_clipboard_text(record)
        QApplication.clipboard().setText(text)
        if self.visit.store_id:
            self.archive.log("copy", self.visit.store_id, {"format": "emr-text"})
        self.statusBar().showMessage(self.tr("Record copied: paste it into the EMR"), 8000)
        return text

    def export_pdf(self, path: Path, *, patient_version: bool = False) -> Path:
        """Write the record (or the patient's instructions) as a PDF."""
        from app.export.pdf import export_patient_pdf, export_pdf

        writer = export_patient_pdf if patient_version else export_pdf
        writer(self.current_record(), path, patient=self.header.patient(), author=self._author(),
               signed_at=self.visit.signed_at)
        if self.visit.store_id:
            self.archive.log("export", self.visit.store_id, {"format": "patient-pdf" if patient_version else "pdf"})
        return Path(path)

    def export_fhir(self, path: Path) -> Path:
        """Write the FHIR R4 document Bundle (Composition with its sections, subject, author, date, status)."""
        from app.export.fhir import record_to_fhir

        bundle = record_to_fhir(self.current_record(), self.templates.get(self.visit.template_id),
                                patient=self.header.patient(), author=self._author(), signed_at=self.visit.signed_at)
        Path(path).write_text(json.dumps(bundle, ensure_ascii=False, indent=2), encoding="utf-8")
        if self.visit.store_id:
            self.archive.log("export", self.visit.store_id, {"format": "fhir"})
        return Path(path)

    def export_pdf_dialog(self, patient_version: bool = False) -> None:
        if self.current_record() is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export PDF"), f"{self.visit.id}.pdf", "PDF (*.pdf)")
        if path:
            self._export(lambda: self.export_pdf(Path(path), patient_version=patient_version))

    def export_fhir_dialog(self) -> None:
        if self.current_record() is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export FHIR"), f"{self.visit.id}.fhir.json",
                                              "FHIR JSON (*.json)")
        if path:
            self._export(lambda: self.export_fhir(Path(path)))

    def _export(self, write) -> None:
        try:
            path = write()
        except (OSError, ValueError) as error:
            self.tell(self.tr("Export failed: %1").replace("%1", str(error)))
            return
        self.statusBar().showMessage(self.tr("Saved %1").replace("%1", str(path)), 8000)

    def choose_language(self, language: str) -> None:
        """Remember the interface language; it applies when TingJi starts next."""
        self.settings.language = language
        self.tell(self.tr("The language changes the next time TingJi starts."))
