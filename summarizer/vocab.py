"""Small hand-written vocabularies for fact extraction, kept as text files under ``resources/vocab/``.

Each file holds one concept per line, ``name | synonym | ...``; the first field is the normalized name. A synonym
written ``!phrase`` states the concept's absence (``睡眠差 | 睡不好 | !睡眠好``). Matching is case-insensitive and
longest-first, on whole words for English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["VOCAB_KINDS", "Term", "TermMatch", "Vocabulary", "load_vocabulary", "parse_vocabulary"]

VOCAB_KINDS = ("symptom", "condition", "drug", "exam", "finding", "procedure", "habit", "allergen", "advice", "stop")
_FILES = {"symptom": "symptoms", "condition": "conditions", "drug": "drugs", "exam": "exams", "finding": "findings",
          "procedure": "procedures", "habit": "habits", "allergen": "allergens", "advice": "advice", "stop": "stop"}


@dataclass(frozen=True)
class Term:
    """One surface form of a concept.

    Attributes:
        kind: Vocabulary kind (one of :data:`VOCAB_KINDS`).
        item: Normalized name of the concept.
        absent: The surface itself states absence (``睡眠好`` for ``睡眠差``).
    """

    kind: str
    item: str
    absent: bool = False


@dataclass(frozen=True)
class TermMatch:
    """A term found in a text: character offsets ``[start, end)`` and the term."""

    start: int
    end: int
    surface: str
    term: Term


class Vocabulary:
    """Surface forms of one language, matched longest-first."""

    def __init__(self, language: str, surfaces: dict[str, Term]):
        self.language = language
        self.surfaces = surfaces
        self._max = max((len(s) for s in surfaces), default=0)
        self._words = language != "zh"
        if self._words and surfaces:
            alternatives = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    def items(self, kind: str) -> set[str]:
        """Normalized names of one kind."""
        return {t.item for t in self.surfaces.values() if t.kind == kind}

    def scan(self, text: str) -> list[TermMatch]:
        """Every non-overlapping term in ``text``, left to right, the longest at each position.

        Args:
            text: Text to scan (matched case-insensitively).

        Returns:
            The matches, ``stop`` phrases included (callers drop them).
        """
        lower = text.lower()
        if self._words:
            return [TermMatch(m.start(), m.end(), text[m.start():m.end()], self.surfaces[m.group(0)])
                    for m in self._pattern.finditer(lower)] if self.surfaces else []
        found, i = [], 0
        while i < len(lower):
            for size in range(min(self._max, len(lower) - i), 0, -1):
                term = self.surfaces.get(lower[i:i + size])
                if term is not None:
                    found.append(TermMatch(i, i + size, text[i:i + size], term))
                    i += size
                    break
            else:
                i += 1
        return found


def parse_vocabulary(kind: str, text: str, source: str = "<vocab>") -> dict[str, Term]:
    """Parse one vocabulary file.

    Args:
        kind: Kind of every concept in the file.
        text: File content.
        source: File name for error messages.

    Returns:
        Surface (lower-cased) → term.

    Raises:
        ValueError: A surface appears twice in the file.
    """
    surfaces: dict[str, Term] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|") if f.strip()]
        item = fields[0]
        for field in fields:
            absent = field.startswith("!")
            surface = field.lstrip("!").strip().lower()
            if surface in surfaces:
                raise ValueError(f"{source}:{number}: {surface!r} is already listed")
            surfaces[surface] = Term(kind, item, absent)
    return surfaces


@lru_cache(maxsize=4)
def load_vocabulary(language: str, folder: str | None = None) -> Vocabulary:
    """The bundled (or given) vocabulary of a language, cached.

    Args:
        language: ``zh`` or ``en``.
        folder: Another folder with the same file names (tests); the bundled ``resources/vocab`` by default.

    Raises:
        ValueError: A surface form is listed under two kinds or twice in one file.
    """
    if folder is None:
        from resources import resource_path

        base = resource_path("vocab")
    else:
        base = Path(folder)
    surfaces: dict[str, Term] = {}
    for kind, stem in _FILES.items():
        path = base / f"{language}_{stem}.txt"
        if not path.is_file():
            continue
        for surface, term in parse_vocabulary(kind, path.read_text(encoding="utf-8"), path.name).items():
            if surface in surfaces:
                raise ValueError(f"{path.name}: {surface!r} is already listed as {surfaces[surface].kind}")
            surfaces[surface] = term
    return Vocabulary(language, surfaces)
