"""Record exports: EMR clipboard text, FHIR R4 document JSON, and PDF (Qt's own PDF writer).

``clipboard`` and ``fhir`` never import Qt; the PDF functions are loaded (with Qt) only when first used, so the CLI
and the core can import this package without a GUI.
"""

from __future__ import annotations

from app.export.clipboard import emr_clipboard_text
from app.export.fhir import AuthorInfo, PatientInfo, record_to_fhir, validate_composition

__all__ = ["emr_clipboard_text", "AuthorInfo", "PatientInfo", "record_to_fhir", "validate_composition", "export_pdf",
           "export_patient_pdf"]


def __getattr__(name: str):
    if name in ("export_pdf", "export_patient_pdf"):
        from app.export import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
