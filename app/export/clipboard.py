"""The text the doctor pastes into the hospital EMR (Ctrl+Shift+C): one ``标题：内容`` line per section, nothing else.

No header line (patient name, id, date, doctor): the doctor pastes into the EMR's 门诊病历 editor, which is already
opened on the patient and fills those fields itself. A header would land in the note body as free text, duplicating
identifiers where the EMR does not expect them (and where they may later disagree with its own), and it would break
the ``主诉：`` first line that some EMRs' paste import splits sections by. The line per section is kept intact:
line breaks or control characters inside a sentence are folded into spaces, so each section stays one line.

No Qt here: the window puts the string on the clipboard (Qt turns ``\\n`` into the platform's line ending).
"""

from __future__ import annotations

import re
import unicodedata

from summarizer.record import Record

__all__ = ["emr_clipboard_text"]

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def _line(text: str) -> str:
    """One clean line: NFC, no control or zero-width characters, runs of white space folded into one space."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def emr_clipboard_text(record: Record, *, patient=None) -> str:
    """The record as the EMR wants it pasted.

    Args:
        record: The record.
        patient: Accepted so the window can pass its context; deliberately not written (see the module docstring).

    Returns:
        :meth:`Record.emr_text` with each section on exactly one line and no trailing white space.
    """
    del patient  # the EMR already knows who the patient is
    return "\n".join(_line(line) for line in _sections(record))


def _sections(record: Record):
    colon = "：" if record.language == "zh" else ": "
    for section in record.sections:
        yield f"{section.title}{colon}{section.text(record.language)}"
