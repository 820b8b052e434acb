"""The record (and the 患者版医嘱 on their own) as a PDF, drawn with Qt's own PDF writer.

A4 at 300 dpi; the text is laid out by ``QTextDocument`` in a CJK font (WenQuanYi Micro Hei, installed by
``scripts/setup.sh``; other common CJK fonts when it is missing) that Qt embeds as a subset with a ToUnicode map, so
the Chinese text can be searched and copied from the PDF. Every page ends with a footer that says whether the record
is a draft or signed (by whom, when). Record text is HTML-escaped before layout: a sentence is always shown as typed.

Qt is imported inside the functions: the CLI imports this module only when it exports a PDF.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime
from html import escape
from pathlib import Path

from app.export.fhir import AuthorInfo, PatientInfo
from summarizer.record import Record, RecordSection

__all__ = ["export_pdf", "export_patient_pdf", "record_html", "patient_html", "cjk_family", "glyph_fallbacks",
           "CJK_FONTS"]

log = logging.getLogger(__name__)

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Microsoft YaHei",
             "PingFang SC", "SimSun", "WenQuanYi Zen Hei", "AR PL UMing CN")
# Tried, in order, for a character the CJK font draws blank (WenQuanYi Micro Hei's ℃ has an empty outline).
_SYMBOL_FONTS = ("DejaVu Sans", "Noto Sans", "Noto Sans Symbols", "Liberation Sans", "Arial", "Segoe UI Symbol")
_RESOLUTION = 300
_MARGIN_MM = 18.0
_BODY_PT = 11
_FOOTER_PT = 8

_LABELS = {
    "zh": {"patient": "姓名", "id": "病历号", "sex": "性别", "age": "年龄", "department": "科室", "date": "日期",
           "doctor": "医生", "draft": "草稿（未签名）", "signed": "已签名：{0}　{1}", "page": "第 {0}/{1} 页",
           "instructions": "患者版医嘱", "colon": "："},
    "en": {"patient": "Name", "id": "Patient ID", "sex": "Sex", "age": "Age", "department": "Department",
           "date": "Date", "doctor": "Doctor", "draft": "DRAFT (not signed)", "signed": "Signed by {0} on {1}",
           "page": "Page {0} of {1}", "instructions": "Instructions for the patient", "colon": ": "},
}


def _labels(record: Record) -> dict:
    return _LABELS.get(record.language, _LABELS["en"])


def _ensure_app():
    from app.qt_app import ensure_application

    return ensure_application()


def cjk_family() -> str:
    """The first installed font of :data:`CJK_FONTS`, else the system font's family (with a logged warning)."""
    from PySide6.QtGui import QFontDatabase

    _ensure_app()
    installed = set(QFontDatabase.families())
    for family in CJK_FONTS:
        if family in installed:
            return family
    fallback = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    log.warning("no CJK font found (tried %s); using %s, Chinese text in the PDF may be missing — install "
                "fonts-wqy-microhei", ", ".join(CJK_FONTS), fallback)
    return fallback


def _glyph(raw, ch: str) -> int:
    glyphs = raw.glyphIndexesForString(ch)
    return glyphs[0] if glyphs else 0


def _draws(raw, ch: str) -> bool:
    glyph = _glyph(raw, ch)
    return glyph != 0 and not raw.pathForGlyph(glyph).isEmpty()


def glyph_fallbacks(text: str, family: str) -> dict[str, str | None]:
    """The characters of ``text`` that ``family`` maps to an empty outline, each with a font that draws them.

    Qt falls back to another font when a font lacks a character, but not when the font has it with an empty
    outline, so such characters would silently vanish from the PDF.

    Returns:
        ``{character: family}``; the family is None when no installed font draws it.
    """
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    _ensure_app()
    primary = QRawFont.fromFont(QFont(family, _BODY_PT))
    missing = sorted(ch for ch in set(text) if ord(ch) > 0x7E and not ch.isspace()
                     and unicodedata.category(ch)[0] not in "CZ" and _glyph(primary, ch) and not _draws(primary, ch))
    if not missing:
        return {}
    installed = QFontDatabase.families()
    candidates = [f for f in (*CJK_FONTS, *_SYMBOL_FONTS) if f in installed and f != family]
    candidates += [f for f in installed if f not in candidates and f != family and not set(f) & set("'\"<>&")]
    raws: dict[str, object] = {}
    found: dict[str, str | None] = {}
    for ch in missing:
        found[ch] = None
        for candidate in candidates:
            if candidate not in raws:
                raws[candidate] = QRawFont.fromFont(QFont(candidate, _BODY_PT))
            if _draws(raws[candidate], ch):
                found[ch] = candidate
                break
    return found


def _apply_fallbacks(html: str, family: str) -> str:
    """Draw the characters ``family`` shows blank in a font that has them (else their NFKC form, e.g. ℃ → °C)."""
    for ch, fallback in glyph_fallbacks(html, family).items():
        if fallback:
            html = html.replace(ch, f"<span style=\"font-family: '{fallback}';\">{ch}</span>")
        else:
            log.warning("no installed font draws U+%04X; writing its compatibility form instead", ord(ch))
            html = html.replace(ch, escape(unicodedata.normalize("NFKC", ch)))
    return html


def _when(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.astimezone()
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _header(record: Record, patient: PatientInfo, author: AuthorInfo, moment: datetime, title: str,
            new_page: bool = False) -> str:
    t = _labels(record)
    cells = [(t["patient"], patient.name), (t["id"], patient.id), (t["sex"], patient.sex), (t["age"], patient.age),
             (t["department"], author.department), (t["date"], moment.strftime("%Y-%m-%d")),
             (t["doctor"], author.name)]
    shown = [f"<td><b>{escape(k)}</b>{t['colon']}{escape(str(v))}</td>" for k, v in cells if v]
    rows = "".join(f"<tr>{''.join(shown[i:i + 4])}</tr>" for i in range(0, len(shown), 4))
    page_break = ' style="page-break-before: always;"' if new_page else ""
    return (f'<h2 align="center"{page_break}>{escape(title)}</h2>'
            f'<table width="100%" cellpadding="3">{rows}</table><hr/>')


def _body(sections: tuple[RecordSection, ...], language: str) -> str:
    colon = _LABELS.get(language, _LABELS["en"])["colon"]
    parts = []
    for section in sections:
        text = escape(section.text(language))
        style = ' style="color:#666;"' if section.not_discussed or not section.sentences else ""
        parts.append(f"<p><b>{escape(section.title)}</b>{colon}<span{style}>{text}</span></p>")
    return "".join(parts)


def record_html(record: Record, *, patient: PatientInfo, author: AuthorInfo, moment: datetime,
                include_patient_instructions: bool = True) -> str:
    """The HTML the PDF is laid out from (every record and patient string escaped)."""
    html = _header(record, patient, author, moment, record.title) + _body(record.sections, record.language)
    if include_patient_instructions and record.patient_instructions:
        html += patient_html(record, patient=patient, author=author, moment=moment, new_page=True)
    return html


def patient_html(record: Record, *, patient: PatientInfo, author: AuthorInfo, moment: datetime,
                 new_page: bool = False) -> str:
    """The HTML of the 患者版医嘱 page (starting a new page when ``new_page``)."""
    title = _labels(record)["instructions"]
    return _header(record, patient, author, moment, title, new_page) + _body(record.patient_instructions,
                                                                              record.language)


def _footer(record: Record, author: AuthorInfo, signed_at: datetime | None) -> str:
    t = _labels(record)
    return t["signed"].format(author.name, _when(signed_at)) if signed_at else t["draft"]


def _write(html: str, path: Path, *, title: str, footer: str, language: str) -> int:
    """Lay ``html`` out on A4 pages with ``footer`` on each; returns the page count."""
    from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    family = cjk_family()
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(_RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("TingJi")
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(QFont(family, _BODY_PT))
    document.setHtml(_apply_fallbacks(html, family))
    page = writer.pageLayout().paintRectPixels(_RESOLUTION)
    footer_height = round(_RESOLUTION * 0.35)  # about 9 mm under the text for the footer line
    body = QSizeF(page.width(), page.height() - footer_height)
    document.setPageSize(body)
    pages = document.pageCount()
    label = _LABELS.get(language, _LABELS["en"])["page"]
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write the PDF {path}: check the folder exists and is writable")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * body.height())
            document.drawContents(painter, QRectF(0, number * body.height(), body.width(), body.height()))
            painter.restore()
            painter.setFont(QFont(family, _FOOTER_PT))
            area = QRectF(0, body.height(), body.width(), footer_height)
            painter.drawLine(area.topLeft(), area.topRight())
            painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), footer)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             label.format(number + 1, pages))
    finally:
        painter.end()
    log.info("PDF written: %d page(s)", pages)
    return pages


def export_pdf(record: Record, path: str | Path, *, patient: PatientInfo, author: AuthorInfo,
               signed_at: datetime | None = None, include_patient_instructions: bool = True) -> int:
    """Write the record as a PDF: header, sections, and (on a page of their own) the 患者版医嘱.

    Args:
        record: The record.
        path: The PDF file to write (its folder is created).
        patient: Name, id, sex and age for the header.
        author: The doctor (header, and the footer when signed).
        signed_at: When the doctor signed (None: the footer marks the PDF as a draft).
        include_patient_instructions: Append the patient instructions, when the record has them, on a new page.

    Returns:
        The number of pages.

    Raises:
        OSError: The file cannot be written.
    """
    moment = signed_at or datetime.now().astimezone()
    html = record_html(record, patient=patient, author=author, moment=moment,
                       include_patient_instructions=include_patient_instructions)
    return _write(html, Path(path), title=record.title, footer=_footer(record, author, signed_at),
                  language=record.language)


def export_patient_pdf(record: Record, path: str | Path, *, patient: PatientInfo, author: AuthorInfo,
                       signed_at: datetime | None = None) -> int:
    """Write the 患者版医嘱 alone as a PDF to hand to the patient.

    Args:
        record: The record; its ``patient_instructions`` are printed.
        path: The PDF file to write.
        patient: Name, id, sex and age for the header.
        author: The doctor.
        signed_at: When the doctor signed the record (None: the footer marks it as a draft).

    Returns:
        The number of pages.

    Raises:
        ValueError: The record has no patient instructions (its template does not ask for them).
        OSError: The file cannot be written.
    """
    if not record.patient_instructions:
        raise ValueError("this record has no patient instructions (患者版医嘱); its template does not produce them")
    moment = signed_at or datetime.now().astimezone()
    html = patient_html(record, patient=patient, author=author, moment=moment)
    return _write(html, Path(path), title=_labels(record)["instructions"],
                  footer=_footer(record, author, signed_at), language=record.language)
