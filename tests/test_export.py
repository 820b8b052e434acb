"""Record exports: the FHIR R4 document (and its validator), the PDF, and the EMR clipboard text."""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import zlib
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest

from app.export import AuthorInfo, PatientInfo, emr_clipboard_text, record_to_fhir, validate_composition
from app.sample_visit import load_sample_visit
from summarizer.extractive import build_record
from summarizer.record import Sentence
from summarizer.templates import find_template

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PATIENT = PatientInfo("张三", "MRN-0001", "男", "45岁")
AUTHOR = AuthorInfo("李医生", "D-017", "内科")
SIGNED = datetime(2024, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=8)))
DRAFTED = datetime(2024, 5, 1, 10, 5, tzinfo=timezone(timedelta(hours=8)))
XHTML = "{http://www.w3.org/1999/xhtml}"
HOSTILE = "患者自述<script>alert(1)</script> & 咳嗽"


@pytest.fixture(scope="module")
def visit():
    return load_sample_visit()


@pytest.fixture(scope="module")
def template():
    return find_template("outpatient-initial")


@pytest.fixture(scope="module")
def record(visit, template):
    return build_record(visit.utterances, template, visit_id=visit.id)


@pytest.fixture(scope="module")
def partial_record(visit, template):
    """The first 12 utterances only: history taken, nothing examined, diagnosed or planned yet."""
    return build_record(visit.utterances[:12], template, visit_id=visit.id)


def hostile_record(record):
    first = record.sections[0]
    return dataclasses.replace(record, sections=(dataclasses.replace(first, sentences=(Sentence(HOSTILE, ("u002",)),)),
                                                 *record.sections[1:]))


def fhir(record, template, **kwargs):
    kwargs.setdefault("signed_at", None)
    kwargs.setdefault("date", DRAFTED)
    return record_to_fhir(record, template, patient=PATIENT, author=AUTHOR, **kwargs)


def composition(bundle):
    return bundle["entry"][0]["resource"]


def div_text(section) -> str:
    return "".join(ElementTree.fromstring(section["text"]["div"]).itertext())


# --- FHIR --------------------------------------------------------------------------------------------------------

def test_sample_record_is_a_valid_fhir_document(record, template):
    bundle = fhir(record, template, signed_at=SIGNED)
    assert validate_composition(bundle) == []
    assert bundle["type"] == "document"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Composition", "Patient", "Practitioner", "Encounter"]
    doc = composition(bundle)
    assert doc["type"]["coding"][0] == {"system": "http://loinc.org", "code": "34108-1", "display": "Outpatient Note"}
    assert doc["title"] == record.title
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    assert doc["subject"]["reference"] == urls["Patient"]
    assert doc["author"][0]["reference"] == urls["Practitioner"]
    patient = bundle["entry"][1]["resource"]
    assert patient["identifier"] == [{"value": "MRN-0001"}] and patient["gender"] == "male"
    # every record section, in order, with the record's text; then the patient instructions
    assert [s["title"] for s in doc["section"]] == [s.title for s in record.sections] + ["患者版医嘱"]
    for fhir_section, section in zip(doc["section"], record.sections):
        assert div_text(fhir_section) == section.text("zh")


def test_sections_carry_the_template_loinc_codes(record, template, visit):
    doc = composition(fhir(record, template))
    for fhir_section, section in zip(doc["section"], record.sections):
        loinc = template.section(section.id).loinc
        assert loinc, "every outpatient-initial section has a LOINC code"
        assert fhir_section["code"]["coding"] == [{"system": "http://loinc.org", "code": loinc}]
    assert doc["section"][0]["code"]["coding"][0]["code"] == "10154-3"  # 主诉: Chief complaint
    assert doc["section"][-1]["code"]["coding"][0] == {"system": "http://loinc.org", "code": "69730-0",
                                                        "display": "Instructions"}
    # a template section without a LOINC code gets no code, rather than an invented one
    pediatrics = find_template("pediatrics-initial")
    uncoded = [s.id for s in pediatrics.sections if not s.loinc]
    assert uncoded
    peds = build_record(visit.utterances, pediatrics, visit_id=visit.id)
    peds_doc = composition(fhir(peds, pediatrics))
    for fhir_section, section in zip(peds_doc["section"], peds.sections):
        assert ("code" in fhir_section) == bool(pediatrics.section(section.id).loinc)
    assert validate_composition(fhir(peds, pediatrics)) == []


def test_not_discussed_sections_have_an_empty_reason_and_no_invented_text(partial_record, template):
    bundle = fhir(partial_record, template)
    assert validate_composition(bundle) == []
    empty = [s.id for s in partial_record.sections if s.not_discussed]
    assert "diagnosis" in empty and "plan" in empty
    by_title = {s["title"]: s for s in composition(bundle)["section"]}
    for section in partial_record.sections:
        fhir_section = by_title[section.title]
        if section.not_discussed:
            assert fhir_section["emptyReason"]["coding"] == [{
                "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason", "code": "notasked",
                "display": "Not Asked"}]
            assert div_text(fhir_section) == "未提及"
            assert "entry" not in fhir_section
        else:
            assert "emptyReason" not in fhir_section
            assert div_text(fhir_section) == section.text("zh")


def test_draft_and_signed_documents_differ_in_status_date_and_attester(record, template):
    draft = composition(fhir(record, template))
    assert draft["status"] == "preliminary" and "attester" not in draft
    assert draft["date"] == "2024-05-01T10:05:00+08:00"
    signed_bundle = fhir(record, template, signed_at=SIGNED)
    signed = composition(signed_bundle)
    assert signed["status"] == "final" and signed["date"] == "2024-05-01T10:30:00+08:00"
    assert signed["attester"] == [{"mode": "legal", "time": "2024-05-01T10:30:00+08:00",
                                   "party": {"reference": signed["author"][0]["reference"], "display": "李医生"}}]
    # one visit, one composition identity; each version is its own document
    assert signed["identifier"] == draft["identifier"]
    assert signed_bundle["identifier"] != fhir(record, template)["identifier"]
    with pytest.raises(ValueError, match="signed"):
        fhir(record, template, status="final")
    with pytest.raises(ValueError, match="preliminary"):
        fhir(record, template, signed_at=SIGNED, status="preliminary")
    with pytest.raises(ValueError, match="status"):
        fhir(record, template, status="draft")


def test_identifiers_are_stable_urn_uuids_derived_from_the_visit(record, template):
    first, again = fhir(record, template), fhir(record, template)
    assert first == again
    other = fhir(dataclasses.replace(record, visit_id="another-visit"), template)
    for bundle in (first, other):
        assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", e["fullUrl"]) for e in bundle["entry"])
    assert composition(first)["identifier"] != composition(other)["identifier"]
    assert first["entry"][0]["fullUrl"] != other["entry"][0]["fullUrl"]
    assert first["entry"][1]["fullUrl"] == other["entry"][1]["fullUrl"]  # the same patient


def test_naive_signing_time_is_written_with_the_local_timezone(record, template):
    doc = composition(fhir(record, template, signed_at=datetime(2024, 5, 1, 10, 30)))
    assert re.fullmatch(r"2024-05-01T10:30:00[+-]\d\d:\d\d", doc["date"])
    assert validate_composition(fhir(record, template, signed_at=datetime(2024, 5, 1, 10, 30))) == []


def test_record_text_is_escaped_in_the_narrative(record, template):
    bundle = fhir(hostile_record(record), template)
    section = composition(bundle)["section"][0]
    assert "<script>" not in section["text"]["div"] and "&lt;script&gt;" in section["text"]["div"]
    assert div_text(section) == HOSTILE
    assert validate_composition(bundle) == []


def _set(path, value):
    def mutate(bundle):
        target = bundle
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return mutate


C = ("entry", 0, "resource")
BROKEN = {
    "missing title": (_set((*C, "title"), KeyError), "title: is required"),
    "blank title": (_set((*C, "title"), "  "), "title: is required"),
    "missing status": (_set((*C, "status"), KeyError), "status: must be one of"),
    "missing author": (_set((*C, "author"), []), "author: at least one author"),
    "missing type": (_set((*C, "type"), KeyError), "type: is required"),
    "dangling subject": (_set((*C, "subject", "reference"), "urn:uuid:00000000-0000-0000-0000-000000000000"),
                         "does not resolve"),
    "dangling reference in another entry": (_set(("entry", 3, "resource", "subject", "reference"), "Patient/x"),
                                            "does not resolve"),
    "patient entry dropped": (lambda b: b["entry"].pop(1), "does not resolve"),
    "section with neither text nor emptyReason": (_set((*C, "section", 0, "text"), KeyError), "cmp-1"),
    "section with only an emptyReason": (
        lambda b: b["entry"][0]["resource"]["section"][0].update(
            text=None, emptyReason={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                                                "code": "notasked"}]}), "cmp-1"),
    "emptyReason beside entries": (
        lambda b: b["entry"][0]["resource"]["section"][0].update(
            entry=[{"reference": b["entry"][1]["fullUrl"]}],
            emptyReason={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                                     "code": "notasked"}]}), "cmp-2"),
    "unknown empty reason": (
        lambda b: b["entry"][0]["resource"]["section"][0].update(
            emptyReason={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                                     "code": "not-discussed"}]}), "not a list-empty-reason code"),
    "date without timezone": (_set((*C, "date"), "2024-05-01T10:30:00"), "no timezone"),
    "date that does not exist": (_set((*C, "date"), "2024-02-30"), "not a real date"),
    "attester time without timezone": (_set((*C, "attester", 0, "time"), "2024-05-01T10:30"), "attester[0].time"),
    "final without attester": (_set((*C, "attester"), KeyError), "needs the signing doctor"),
    "unescaped narrative": (_set((*C, "section", 1, "text", "div"),
                                 '<div xmlns="http://www.w3.org/1999/xhtml">a <b> & c</div>'), "well-formed"),
    "script in narrative": (_set((*C, "section", 1, "text", "div"),
                                 '<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script>咳嗽</div>'), "txt-1"),
    "narrative outside the XHTML namespace": (_set((*C, "section", 1, "text", "div"), "<div>咳嗽</div>"),
                                              "XHTML namespace"),
    "empty narrative": (_set((*C, "section", 1, "text", "div"), '<div xmlns="http://www.w3.org/1999/xhtml"> </div>'),
                        "txt-2"),
    "empty display": (_set((*C, "author", 0, "display"), ""), "empty values"),
    "composition not first": (lambda b: b["entry"].reverse(), "bdl-11"),
    "bundle without identifier": (_set(("identifier",), KeyError), "bdl-9"),
    "timestamp without time": (_set(("timestamp",), "2024-05-01"), "instant"),
    "duplicate fullUrl": (lambda b: b["entry"][2].update(fullUrl=b["entry"][1]["fullUrl"]), "bdl-7"),
    "not a document": (_set(("type",), "collection"), "'document'"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_validator_catches_real_mistakes(record, template, name):
    bundle = fhir(record, template, signed_at=SIGNED)
    assert validate_composition(bundle) == []
    broken = copy.deepcopy(bundle)
    mutate, expected = BROKEN[name]
    mutate(broken)
    problems = validate_composition(broken)
    assert any(expected in p for p in problems), problems


def test_no_empty_strings_when_names_are_unknown(record, template):
    bundle = record_to_fhir(record, template, patient=PatientInfo(""), author=AuthorInfo(""), signed_at=SIGNED)
    assert validate_composition(bundle) == []
    assert "display" not in composition(bundle)["author"][0] and "name" not in bundle["entry"][1]["resource"]


def test_validator_checks_a_bare_composition(record, template):
    bare = composition(fhir(record, template))
    problems = validate_composition(bare)
    assert any("subject" in p and "does not resolve" in p for p in problems)
    assert validate_composition({"resourceType": "Patient"}) != []


# --- EMR clipboard -----------------------------------------------------------------------------------------------

def test_clipboard_text_is_the_emr_text_one_line_per_section(record):
    text = emr_clipboard_text(record, patient=PATIENT)
    assert text == record.emr_text()
    assert len(text.splitlines()) == len(record.sections)
    assert text.splitlines()[0] == "主诉：咳嗽、发热3天。"
    assert PATIENT.name not in text and PATIENT.id not in text  # the EMR already knows the patient


def test_clipboard_keeps_each_section_on_one_line(record):
    messy = Sentence("咳嗽\n3天，\r\n夜间\u200b加重\x07。  ", ("u002",))
    sections = (dataclasses.replace(record.sections[0], sentences=(messy,)), *record.sections[1:])
    text = emr_clipboard_text(dataclasses.replace(record, sections=sections))
    lines = text.splitlines()
    assert len(lines) == len(record.sections)
    assert lines[0] == "主诉：咳嗽 3天， 夜间加重 。"
    assert not any(ch in text for ch in "\r\x07\u200b")


def test_export_package_imports_no_qt():
    code = ("import sys, app.export, app.export.fhir, app.export.clipboard\n"
            "print(any(m.split('.')[0] == 'PySide6' for m in sys.modules), 'app.export.pdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    assert out == ["False", "False"]


# --- PDF ---------------------------------------------------------------------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _cmap(stream: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)",
                                            block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                for i, text in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", target)):
                    mapping[low + i] = bytes.fromhex(text.decode()).decode("utf-16-be")
            else:
                mapping.update({code: chr(int(target[1:-1], 16) + code - low) for code in range(low, high + 1)})
    return mapping


def pdf_text(data: bytes) -> str:
    """The text a PDF reader extracts from a Qt-written PDF: each shown glyph mapped through its font's ToUnicode.

    Pure Python (poppler's pdftotext is not installed everywhere): inflate the streams, read every font's ToUnicode
    CMap, and decode the ``<glyphs> Tj`` of the page contents. Glyphs without a Unicode mapping come out as U+FFFD.
    """
    objects = {}
    for match in _OBJECT.finditer(data):
        body, stream = match.group(2), _STREAM.search(match.group(2))
        content = stream.group(1) if stream else b""
        if stream and b"/FlateDecode" in body[:stream.start()]:
            content = zlib.decompress(content)
        objects[int(match.group(1))] = (body[:stream.start()] if stream else body, content)
    cmaps = {}
    for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", data):
        to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", objects.get(int(number), (b"",))[0])
        if to_unicode:
            cmaps[name] = _cmap(objects[int(to_unicode.group(1))][1])
    shown = []
    for _, content in objects.values():
        # Qt draws synthetic bold twice, the second time inside an empty ActualText span: skip the copy
        content = re.sub(rb"/Span\s*<<\s*/ActualText\s*<>\s*>>\s*BDC.*?EMC", b"", content, flags=re.S)
        font = None
        for token in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]+)>\s*Tj", content):
            if token.group(1):
                font = token.group(1)
            else:
                glyphs, cmap = token.group(2), cmaps.get(font, {})
                shown += [cmap.get(int(glyphs[i:i + 4], 16), "\ufffd") for i in range(0, len(glyphs), 4)]
    return "".join(shown)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class PdfText:
    """What readers extract from a PDF (white space ignored): ours, and poppler's pdftotext when it is installed."""

    def __init__(self, *texts: str):
        self.texts = [squash(t) for t in texts]

    def has(self, item: str) -> bool:
        return all(squash(item) in text for text in self.texts)

    def lacks(self, item: str) -> bool:
        return all(squash(item) not in text for text in self.texts)


def read_pdf(path) -> tuple[bytes, PdfText]:
    """The PDF's bytes and its text, decoded in pure Python and, where installed, by pdftotext too."""
    data = path.read_bytes()
    texts = [pdf_text(data)]
    if shutil.which("pdftotext"):
        texts.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                                    text=True).stdout)
    return data, PdfText(*texts)


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def test_pdf_of_the_signed_sample_record(qapp, tmp_path, record):
    from app.export.pdf import cjk_family, export_pdf

    path = tmp_path / "record.pdf"
    pages = export_pdf(record, path, patient=PATIENT, author=AUTHOR, signed_at=SIGNED)
    data, text = read_pdf(path)
    assert data.startswith(b"%PDF-")
    assert pages == page_count(data) == 2  # the record, then the 患者版医嘱 on a page of their own
    assert re.search(rb"/FontFile2", data), "the font is embedded"
    assert squash(cjk_family()).encode() in data  # the CJK font, by its PostScript name
    for section in record.sections:
        assert text.has(f"{section.title}：{section.text('zh')}")
    for item in ("张三", "MRN-0001", "45岁", "内科", "李医生", "2024-05-01"):
        assert text.has(item)
    assert text.has("已签名：李医生 2024-05-01 10:30 (UTC+08:00)") and text.lacks("草稿")
    assert text.has(record.patient_instructions[0].text("zh"))
    assert text.lacks("\ufffd")


def test_pdf_draft_footer_and_without_patient_instructions(qapp, tmp_path, record):
    from app.export.pdf import export_pdf

    path = tmp_path / "draft.pdf"
    pages = export_pdf(record, path, patient=PATIENT, author=AUTHOR, include_patient_instructions=False)
    data, text = read_pdf(path)
    assert pages == page_count(data) == 1
    assert text.has("草稿（未签名）") and text.lacks("已签名")
    assert text.lacks("患者版医嘱") and text.lacks(record.patient_instructions[0].text("zh"))


def test_pdf_shows_markup_in_the_record_as_text(qapp, tmp_path, record):
    from app.export.pdf import export_pdf

    path = tmp_path / "hostile.pdf"
    export_pdf(hostile_record(record), path, patient=dataclasses.replace(PATIENT, name="王<b>五</b>&"), author=AUTHOR)
    _, text = read_pdf(path)
    assert text.has(f"主诉：{HOSTILE}")
    assert text.has("王<b>五</b>&")


def test_patient_instructions_pdf_on_their_own(qapp, tmp_path, record):
    from app.export.pdf import export_patient_pdf

    path = tmp_path / "patient.pdf"
    assert export_patient_pdf(record, path, patient=PATIENT, author=AUTHOR, signed_at=SIGNED) == 1
    _, text = read_pdf(path)
    assert text.has("患者版医嘱")
    for section in record.patient_instructions:
        assert text.has(f"{section.title}：{section.text('zh')}")
    assert text.lacks(record.section("present_illness").text("zh"))
    with pytest.raises(ValueError, match="no patient instructions"):
        export_patient_pdf(dataclasses.replace(record, patient_instructions=()), tmp_path / "none.pdf",
                           patient=PATIENT, author=AUTHOR)


def test_every_character_of_the_pdf_has_a_visible_glyph(qapp, record):
    """WenQuanYi Micro Hei maps ℃ to an empty outline; such characters are drawn from a font that has them."""
    from PySide6.QtGui import QFont, QRawFont

    from app.export.pdf import cjk_family, glyph_fallbacks, record_html

    family = cjk_family()
    html = record_html(record, patient=PATIENT, author=AUTHOR, moment=SIGNED)
    assert "℃" in html
    fallbacks = glyph_fallbacks(html, family)
    primary = QRawFont.fromFont(QFont(family, 11))
    for ch in {c for c in html if ord(c) > 0x7E and not c.isspace()}:
        if not primary.glyphIndexesForString(ch)[0]:
            continue  # not in the font at all: Qt's own font fallback draws it
        raw = QRawFont.fromFont(QFont(fallbacks.get(ch) or family, 11))
        glyph = raw.glyphIndexesForString(ch)[0]
        assert glyph and not raw.pathForGlyph(glyph).isEmpty(), f"{ch!r} would be blank in the PDF"
    if family == "WenQuanYi Micro Hei":
        assert fallbacks.get("℃")  # the case that made this necessary
