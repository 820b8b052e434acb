"""How the record editor lays a section into a ``QTextDocument`` and reads the doctor's text back.

Each sentence is one run of text whose ``QTextCharFormat`` carries the sentence's index (:data:`SENTENCE_INDEX`);
a flagged sentence (unsupported / contradicted) also has a background, a tooltip with the verdict and reason, and is
preceded by a marker glyph (:data:`MARKER` property) that is display only and never part of the record text.
No verification happens here: :func:`resplit_section` only splits the doctor's text (with the summarizer's own
splitter) and carries over what is known of unchanged sentences.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat

from summarizer.llm_parse import split_sentences
from summarizer.record import NOT_DISCUSSED, RecordSection, Sentence

__all__ = ["SENTENCE_INDEX", "MARKER", "FLAGGED", "MARKER_GLYPHS", "render_section", "section_text",
           "sentence_at", "sentence_range", "text_offset", "document_position", "resplit_section", "flag_tooltip"]

SENTENCE_INDEX = QTextFormat.UserProperty + 1  # int: index of the sentence in its section
MARKER = QTextFormat.UserProperty + 2  # bool: a flag glyph, not record text
FLAGGED = ("unsupported", "contradicted")
MARKER_GLYPHS = {"unsupported": "⚠", "contradicted": "✗", "reviewed": "✓"}
_MARKER_GAP = "\u202f"  # narrow no-break space after the glyph
_MARKER_CHARS = set(MARKER_GLYPHS.values()) | {_MARKER_GAP}
_BACKGROUND = {"unsupported": "#ffe08a", "contradicted": "#f7b0a8", "reviewed": "#eef0f2"}
_GLYPH_COLOUR = {"unsupported": "#8a5a00", "contradicted": "#a11d12", "reviewed": "#5f6b76"}


def flag_tooltip(sentence: Sentence) -> str:
    """The tooltip of a flagged sentence: its verdict, the reason, and whether it was reviewed ("" if not flagged)."""
    if sentence.verdict == "unsupported":
        verdict = QCoreApplication.translate("RecordEditor", "Not supported by the visit")
    elif sentence.verdict == "contradicted":
        verdict = QCoreApplication.translate("RecordEditor", "Contradicts the visit")
    else:
        return ""
    tip = verdict
    if sentence.reason:
        tip = QCoreApplication.translate("RecordEditor", "{verdict}: {reason}").format(verdict=verdict,
                                                                                       reason=sentence.reason)
    if sentence.reviewed:
        tip += "\n" + QCoreApplication.translate("RecordEditor", "Reviewed by the doctor")
    return tip


def _style(sentence: Sentence) -> str:
    if sentence.verdict not in FLAGGED:
        return ""
    return "reviewed" if sentence.reviewed else sentence.verdict


def _sentence_format(sentence: Sentence, index: int) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setProperty(SENTENCE_INDEX, index)
    style = _style(sentence)
    if style:
        fmt.setBackground(QColor(_BACKGROUND[style]))
        fmt.setToolTip(flag_tooltip(sentence))
    return fmt


def render_section(document: QTextDocument, section: RecordSection, language: str) -> None:
    """Replace the document's content with the section, one formatted run per sentence (clears undo history).

    Args:
        document: The section's document.
        section: What to show; a section not discussed shows ``未提及`` / ``Not discussed.`` in grey.
        language: The record's language (``zh`` joins sentences without spaces).
    """
    document.setUndoRedoEnabled(False)
    document.clear()
    cursor = QTextCursor(document)
    if section.not_discussed or not section.sentences:
        grey = QTextCharFormat()
        grey.setForeground(QColor("#7a7a7a"))
        cursor.insertText(section.text(language), grey)
    for index, sentence in enumerate(() if section.not_discussed else section.sentences):
        if index and language != "zh":
            cursor.insertText(" ", QTextCharFormat())
        style = _style(sentence)
        if style:
            glyph = QTextCharFormat()
            glyph.setProperty(MARKER, True)
            glyph.setProperty(SENTENCE_INDEX, index)
            glyph.setForeground(QColor(_GLYPH_COLOUR[style]))
            glyph.setFontWeight(700)
            glyph.setToolTip(flag_tooltip(sentence))
            cursor.insertText(MARKER_GLYPHS[style] + _MARKER_GAP, glyph)
        cursor.insertText(sentence.text, _sentence_format(sentence, index))
    document.setUndoRedoEnabled(True)


def _fragments_of(block):
    it = block.begin()
    while not it.atEnd():
        if it.fragment().isValid():
            yield it.fragment()
        it += 1


def _fragments(document: QTextDocument):
    block = document.begin()
    while block.isValid():
        yield from _fragments_of(block)
        block = block.next()


def _is_marker(fmt: QTextCharFormat) -> bool:
    return bool(fmt.property(MARKER))


def _clean(fragment) -> str:
    text = fragment.text()
    return "".join(c for c in text if c not in _MARKER_CHARS) if _is_marker(fragment.charFormat()) else text


def _characters(document: QTextDocument):
    """``(position, is record text)`` for every character, block separators included (as record newlines)."""
    block = document.begin()
    while block.isValid():
        for fragment in _fragments_of(block):
            marker = _is_marker(fragment.charFormat())
            for i, char in enumerate(fragment.text()):
                yield fragment.position() + i, not (marker and char in _MARKER_CHARS)
        block = block.next()
        if block.isValid():
            yield block.position() - 1, True


def section_text(document: QTextDocument) -> str:
    """The doctor's text of a section: the document's plain text without the marker glyphs."""
    lines, block = [], document.begin()
    while block.isValid():
        lines.append("".join(_clean(f) for f in _fragments_of(block)))
        block = block.next()
    return "\n".join(lines)


def sentence_at(document: QTextDocument, position: int) -> int | None:
    """Index of the sentence at a cursor position: the character after it, else the one before; None if neither."""
    for probe in (position, position - 1):
        for fragment in _fragments(document):
            if fragment.position() <= probe < fragment.position() + fragment.length():
                value = fragment.charFormat().property(SENTENCE_INDEX)
                if value is not None:
                    return int(value)
    return None


def sentence_range(document: QTextDocument, index: int) -> tuple[int, int] | None:
    """Document positions ``(start, end)`` of a sentence's text (its marker excluded); None if not shown."""
    spans = [(f.position(), f.position() + f.length()) for f in _fragments(document)
             if f.charFormat().property(SENTENCE_INDEX) == index and not _is_marker(f.charFormat())]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def text_offset(document: QTextDocument, position: int) -> int:
    """How many characters of record text (markers not counted) come before a document position."""
    return sum(keep for at, keep in _characters(document) if at < position)


def document_position(document: QTextDocument, offset: int) -> int:
    """The document position after ``offset`` characters of record text (the inverse of :func:`text_offset`)."""
    seen, last = 0, 0
    for at, keep in _characters(document):
        if keep:
            if seen == offset:
                return at
            seen += 1
        last = at + 1
    return last


def resplit_section(section: RecordSection, text: str, language: str, known: tuple[Sentence, ...] = ()
                    ) -> RecordSection:
    """The section as the doctor wrote it: the text split into sentences, unchanged sentences kept as they were.

    Args:
        section: The section as shown before the edit (id, title, and sentences to match).
        text: The doctor's text (see :func:`section_text`).
        language: The record's language, for the splitter.
        known: More sentences to match by text (e.g. of an earlier verification).

    Returns:
        A section whose sentences keep evidence, verdict and ``reviewed`` where their text is unchanged, and are
        new ``unchecked`` sentences elsewhere; empty text or ``未提及`` / ``Not discussed.`` marks it not discussed.
    """
    body = text.strip()
    if not body or body.rstrip("。.") in {v.rstrip("。.") for v in NOT_DISCUSSED.values()}:
        return replace(section, sentences=(), not_discussed=True)
    by_text = {s.text: s for s in (*known, *section.sentences)}
    sentences = tuple(by_text.get(piece, Sentence(piece)) for piece in split_sentences(body, language))
    return replace(section, sentences=sentences, not_discussed=not sentences)
