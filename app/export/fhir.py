"""The record as a FHIR R4 document: a ``Bundle`` of type ``document`` whose first entry is the ``Composition``.

Why a document Bundle rather than a standalone Composition with contained Patient/Practitioner: FHIR R4 says a
Composition alone is not a document; the exchangeable, signable unit is the ``document`` Bundle (Composition first,
then every resource it references), and that is what integration engines and FHIR servers take in (``POST`` of a
Bundle, IHE MHD, ``$document``). Contained resources cannot be matched to the hospital's master patient index or
practitioner registry (they have no identity outside the Composition), which is the first thing an engine does with
an incoming note; Bundle entries can be, by their identifiers.

Choices:

* Document type LOINC ``34108-1`` "Outpatient Note": a note of an outpatient visit by the treating clinician, which
  is what a 门诊病历 is. ``11488-4`` "Consult note" is the note of a consultant asked for an opinion by another
  clinician (会诊记录), a different document.
* Sections not discussed in the visit (未提及) carry ``emptyReason`` ``notasked`` ("the investigation to find out
  whether there are items for this list has not occurred") rather than ``unavailable`` ("information to populate
  this list cannot be obtained; e.g. unconscious patient"): nobody tried, nothing was prevented. They keep the
  record's own "未提及" as narrative, because R4 rule cmp-1 requires text, entries or sub-sections in every section;
  an ``emptyReason`` alone does not satisfy it.
* The 患者版医嘱 is an extra section coded LOINC ``69730-0`` "Instructions" (the C-CDA Instructions section code).
* The visit is an ``Encounter`` (class AMB, the visit id as its identifier, the department as its service type), so
  the engine can file the note against its own 就诊 record.
* Identifiers are name-based UUIDs (:func:`uuid.uuid5`), so the same visit, patient and doctor give the same
  ``urn:uuid`` on every export; the Bundle's own identifier also depends on status and date, since each signed or
  re-exported version is a distinct document.

Nothing here imports Qt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from summarizer.record import NOT_DISCUSSED, Record, RecordSection
from summarizer.templates import Template

__all__ = ["PatientInfo", "AuthorInfo", "record_to_fhir", "validate_composition", "stable_uuid", "DOCUMENT_TYPE",
           "INSTRUCTIONS_CODE", "EMPTY_REASON"]

LOINC = "http://loinc.org"
LIST_EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
DOCUMENT_TYPE = {"system": LOINC, "code": "34108-1", "display": "Outpatient Note"}
INSTRUCTIONS_CODE = {"system": LOINC, "code": "69730-0", "display": "Instructions"}
EMPTY_REASON = {"system": LIST_EMPTY_REASON, "code": "notasked", "display": "Not Asked"}
_XHTML = "http://www.w3.org/1999/xhtml"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:tingji:fhir")
_STATUSES = ("preliminary", "final", "amended", "entered-in-error")
_GENDER = {"男": "male", "m": "male", "male": "male", "女": "female", "f": "female", "female": "female",
           "其他": "other", "other": "other"}
_PATIENT_HEADING = {"zh": "患者版医嘱", "en": "Instructions for the patient"}


@dataclass(frozen=True)
class PatientInfo:
    """Who the record is about.

    Attributes:
        name: Display name (``张三``).
        id: The hospital's patient id (门诊号/病历号); empty when unknown.
        sex: ``男``/``女``/``male``/``female``/``M``/``F`` (anything else: unknown).
        age: Age as the record states it (``45岁``, ``3岁2月``); FHIR has no age element, so it goes in the narrative.
        system: URI of the hospital's patient-id namespace, when known (an engine needs it to match the id).
    """

    name: str
    id: str = ""
    sex: str = ""
    age: str = ""
    system: str = ""


@dataclass(frozen=True)
class AuthorInfo:
    """The doctor who writes and signs the record.

    Attributes:
        name: Display name.
        id: The hospital's staff id (工号); empty when unknown.
        department: 科室 (``内科``).
        system: URI of the staff-id namespace, when known.
    """

    name: str
    id: str = ""
    department: str = ""
    system: str = ""


def stable_uuid(kind: str, key: str) -> str:
    """A ``urn:uuid`` that is the same for the same ``kind`` and ``key`` on every run and machine."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


def _fhir_datetime(moment: datetime) -> str:
    """FHIR dateTime with seconds and timezone; a naive datetime is taken as local time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.isoformat(timespec="seconds")


def _clean(text: str) -> str:
    """Drop characters XML 1.0 forbids (control characters other than tab and newlines, surrogates, U+FFFE/F)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                                                             and ch not in "\ufffe\uffff"))


def _ref(url: str, display: str = "") -> dict:
    """A Reference (FHIR JSON allows no empty strings, so an empty display is left out)."""
    return {"reference": url, "display": display} if display else {"reference": url}


def _div(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(_clean(p), quote=False)}</p>" for p in paragraphs if p.strip())
    return f'<div xmlns="{_XHTML}">{body}</div>'


def _identifier(value: str, system: str) -> list[dict]:
    if not value:
        return []
    return [{"system": system, "value": value} if system else {"value": value}]


def _section(section: RecordSection, loinc: str, language: str) -> dict:
    entry: dict = {"title": section.title}
    if loinc:
        entry["code"] = {"coding": [{"system": LOINC, "code": loinc}]}
    if section.not_discussed or not section.sentences:
        entry["text"] = {"status": "generated", "div": _div([NOT_DISCUSSED.get(language, NOT_DISCUSSED["en"])])}
        entry["emptyReason"] = {"coding": [dict(EMPTY_REASON)], "text": NOT_DISCUSSED.get(language,
                                                                                       NOT_DISCUSSED["en"])}
    else:
        entry["text"] = {"status": "generated", "div": _div([section.text(language)])}
    return entry


def _instructions(record: Record) -> dict:
    colon = "：" if record.language == "zh" else ": "
    lines = [f"{s.title}{colon}{s.text(record.language)}" for s in record.patient_instructions]
    return {"title": _PATIENT_HEADING.get(record.language, _PATIENT_HEADING["en"]),
            "code": {"coding": [dict(INSTRUCTIONS_CODE)]}, "text": {"status": "generated", "div": _div(lines)}}


def _patient(patient: PatientInfo, full_url: str) -> dict:
    resource: dict = {"resourceType": "Patient", "id": full_url.rsplit(":", 1)[1]}
    summary = " ".join(x for x in (patient.name, patient.sex, str(patient.age or ""), patient.id) if x)
    resource["text"] = {"status": "generated", "div": _div([summary or "—"])}
    if identifiers := _identifier(patient.id, patient.system):
        resource["identifier"] = identifiers
    if patient.name:
        resource["name"] = [{"text": patient.name}]
    resource["gender"] = _GENDER.get(patient.sex.strip().lower(), "unknown")
    return resource


def _practitioner(author: AuthorInfo, full_url: str) -> dict:
    resource: dict = {"resourceType": "Practitioner", "id": full_url.rsplit(":", 1)[1]}
    resource["text"] = {"status": "generated", "div": _div([" ".join(x for x in (author.name, author.department,
                                                                                 author.id) if x) or "—"])}
    if identifiers := _identifier(author.id, author.system):
        resource["identifier"] = identifiers
    if author.name:
        resource["name"] = [{"text": author.name}]
    return resource


def _encounter(record: Record, author: AuthorInfo, urls: dict[str, str]) -> dict:
    resource: dict = {
        "resourceType": "Encounter", "id": urls["encounter"].rsplit(":", 1)[1],
        "text": {"status": "generated", "div": _div([" ".join(x for x in (author.department, record.visit_id) if x)])},
        "identifier": [{"system": "urn:tingji:visit", "value": record.visit_id}],
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB",
                  "display": "ambulatory"},
        "subject": _ref(urls["patient"]),
        "participant": [{"individual": _ref(urls["author"])}],
    }
    if author.department:
        resource["serviceType"] = {"text": author.department}
    return resource


def _status(status: str | None, signed_at: datetime | None) -> str:
    if status is None:
        return "final" if signed_at else "preliminary"
    if status not in _STATUSES:
        raise ValueError(f"status must be one of {', '.join(_STATUSES)}, not {status!r}")
    if status in ("final", "amended") and signed_at is None:
        raise ValueError(f"a {status} record must be signed: pass signed_at (when the doctor signed it)")
    if status == "preliminary" and signed_at is not None:
        raise ValueError("a signed record is not preliminary: leave status out or pass 'final'")
    return status


def record_to_fhir(record: Record, template: Template | None, *, patient: PatientInfo, author: AuthorInfo,
                   signed_at: datetime | None, status: str | None = None, date: datetime | None = None) -> dict:
    """The record as a FHIR R4 ``document`` Bundle (Composition, Patient, Practitioner, Encounter).

    Args:
        record: The record (as the doctor left it).
        template: The template it was written with; its sections' ``loinc`` codes become section codes (None: no
            section codes). Sections are matched by id.
        patient: Who the record is about.
        author: The doctor.
        signed_at: When the doctor signed it (None: a draft). A naive datetime is taken as local time.
        status: ``preliminary``/``final``/``amended``/``entered-in-error``; by default ``final`` when signed, else
            ``preliminary``.
        date: When a draft was last edited (default: now); a signed record's date is ``signed_at``.

    Returns:
        The Bundle as JSON-ready dicts; ``validate_composition`` of it is empty.

    Raises:
        ValueError: ``status`` is unknown or contradicts ``signed_at``.
    """
    status = _status(status, signed_at)
    moment = _fhir_datetime(signed_at or date or datetime.now(timezone.utc).astimezone())
    urls = {"composition": stable_uuid("composition", record.visit_id),
            "patient": stable_uuid("patient", f"{patient.system}|{patient.id}" if patient.id
                                   else f"visit:{record.visit_id}"),
            "author": stable_uuid("practitioner", f"{author.system}|{author.id}" if author.id
                                  else f"name:{author.name}"),
            "encounter": stable_uuid("encounter", record.visit_id)}
    codes = {s.id: s.loinc for s in template.sections} if template else {}
    sections = [_section(s, codes.get(s.id, ""), record.language) for s in record.sections]
    if record.patient_instructions:
        sections.append(_instructions(record))
    author_ref = _ref(urls["author"], author.name)
    composition: dict = {
        "resourceType": "Composition", "id": urls["composition"].rsplit(":", 1)[1],
        "language": "zh-CN" if record.language == "zh" else record.language,
        "text": {"status": "generated", "div": _div([record.title, patient.name])},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": urls["composition"]},
        "status": status, "type": {"coding": [dict(DOCUMENT_TYPE)]},
        "subject": _ref(urls["patient"], patient.name),
        "encounter": _ref(urls["encounter"]),
        "date": moment, "author": [author_ref], "title": record.title,
    }
    if signed_at is not None:
        composition["attester"] = [{"mode": "legal", "time": moment, "party": dict(author_ref)}]
    composition["section"] = sections
    resources = [(urls["composition"], composition), (urls["patient"], _patient(patient, urls["patient"])),
                 (urls["author"], _practitioner(author, urls["author"])),
                 (urls["encounter"], _encounter(record, author, urls))]
    document_id = stable_uuid("document", f"{record.visit_id}|{status}|{moment}")
    return {
        "resourceType": "Bundle", "id": document_id.rsplit(":", 1)[1],
        "identifier": {"system": "urn:ietf:rfc:3986", "value": document_id},
        "type": "document", "timestamp": moment,
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in resources],
    }


# --- Validation: the FHIR R4 rules a receiving engine rejects a document for -------------------------------------


from app.export.fhir_validate import validate_composition  # noqa: E402  (re-exported)
