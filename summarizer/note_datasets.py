"""Readers of the note-generation data sets (for ``tingji eval notes``; the data is never bundled or needed by tests).

Each reader turns a data set's examples into :class:`NoteExample` values: the dialogue as
:class:`~diarization.types.Utterance` values (ids ``u001``…, roles ``doctor``/``patient``/``other``) and the
reference note. The sources are text, not audio, so an utterance's start and end are its turn index ``i`` and
``i + 1`` "seconds": they keep the order and nothing else.

- **ACI-Bench** (``aci-bench/``): ``challenge_data_json/<split>.json`` (``{"data": [{"src", "tgt", "file"}]}``) with
  its division files ``<split>_<division>.json``, or ``src_experiment_data_json/<split>.json`` (ASR variants, no
  division files), or the CSV copies (``dialogue``, ``note``). Turns are lines ``[doctor] …``, ``[patient] …``,
  ``[patient_guest] …``; an untagged line continues the turn before it.
- **MTS-Dialog** (``mts-dialog/``): CSV with ``ID``, ``section_header``, ``section_text``, ``dialogue``; turns are
  lines ``Doctor: …``, ``Patient: …``, ``Guest_family: …``…
- **IMCS-21 MRG** (``imcs21/``): see :mod:`summarizer.imcs_data`.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from diarization.types import Utterance

__all__ = ["NoteExample", "DATASETS", "DEFAULT_SPLITS", "ACI_DIVISIONS", "make_utterances", "aci_utterances",
           "mts_utterances", "read_aci_bench", "read_mts_dialog", "read_examples", "require_folder", "load_json"]

DATASETS = ("aci-bench", "mts-dialog", "imcs")
DEFAULT_SPLITS = {"aci-bench": "valid", "mts-dialog": "validation", "imcs": "all"}
ACI_DIVISIONS = ("subjective", "objective_exam", "objective_results", "assessment_and_plan")
_ACI_ALIASES = {"test1": "clinicalnlp_taskB_test1", "test2": "clinicalnlp_taskC_test2"}
_ACI_TURN = re.compile(r"^\[([a-z_]+)\]\s*(.*)$")
_MTS_TURN = re.compile(r"^\s*\"?\s*([A-Za-z][A-Za-z_]*(?:[ _]?\d+)?)\s*:\s*(.*)$")
_MTS_SPEAKERS = ("doc", "patient", "guest", "gest", "sp")
_MTS_FILES = {"train": "*TrainingSet*.csv", "validation": "*ValidationSet*.csv", "valid": "*ValidationSet*.csv",
              "test": "*TestSet-1*.csv", "test1": "*TestSet-1*.csv"}
_MTS_COLUMNS = ("ID", "section_header", "section_text", "dialogue")


@dataclass(frozen=True)
class NoteExample:
    """One dialogue and its reference note.

    Attributes:
        id: The source's example id.
        utterances: The dialogue, in order.
        note: The reference note as one text (ACI-Bench full note, MTS-Dialog section text; "" for IMCS).
        references: Reference sections in the source's order, one mapping per reference (IMCS has two; ACI-Bench
            its four divisions, or none where the split has no division files; MTS-Dialog ``{header: text}``).
            Empty when the example has no reference (e.g. IMCS test inputs).
    """

    id: str
    utterances: tuple[Utterance, ...]
    note: str = ""
    references: tuple[dict[str, str], ...] = field(default_factory=tuple)


def make_utterances(turns: Iterable[tuple[str, str, str]]) -> tuple[Utterance, ...]:
    """Utterances from ``(speaker, role, text)`` turns; start/end are the turn index (text data has no times).

    Args:
        turns: Speaker label, role (``doctor``/``patient``/``other``) and text of each turn, in order.

    Returns:
        Utterances ``u001``… with ``start = i`` and ``end = i + 1``.
    """
    return tuple(Utterance(f"u{i + 1:03d}", speaker, role, float(i), float(i + 1), text)
                 for i, (speaker, role, text) in enumerate(turns))


def _role(speaker: str) -> str:
    name = speaker.lower()
    if name.startswith("doc"):
        return "doctor"
    if name.startswith("patient") and "guest" not in name:
        return "patient"
    return "other"


def _turns(lines: Iterable[str], pattern: re.Pattern, is_speaker) -> list[tuple[str, str, str]]:
    turns: list[list[str]] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        match = pattern.match(line)
        if match and is_speaker(match.group(1)):
            speaker = match.group(1).strip()
            turns.append([speaker, _role(speaker), match.group(2).strip()])
        elif turns:
            turns[-1][2] = f"{turns[-1][2]} {line}".strip()
        else:
            turns.append(["unknown", "other", line])
    return [(s, r, t) for s, r, t in turns if t]


def aci_utterances(dialogue: str) -> tuple[Utterance, ...]:
    """ACI-Bench ``[doctor]``/``[patient]``/``[patient_guest]`` lines → utterances (other tags → ``other``).

    Args:
        dialogue: The ``src``/``dialogue`` text.

    Returns:
        The utterances; an untagged line (e.g. ``[ inaudible 00:09:25 ]``) continues the previous turn.
    """
    return make_utterances(_turns(dialogue.split("\n"), _ACI_TURN, lambda name: True))


def mts_utterances(dialogue: str) -> tuple[Utterance, ...]:
    """MTS-Dialog ``Doctor:``/``Patient:``/``Guest_family:`` lines → utterances (guests → ``other``).

    Args:
        dialogue: The ``dialogue`` cell.

    Returns:
        The utterances; a line without a known speaker prefix continues the previous turn.
    """
    return make_utterances(_turns(dialogue.split("\n"), _MTS_TURN,
                                  lambda name: name.lower().startswith(_MTS_SPEAKERS)))


def require_folder(folder: Path, what: str) -> Path:
    """The folder, or a ``ValueError`` that names it and says what was expected.

    Raises:
        ValueError: It does not exist or is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: data folder not found (expected {what})")
    return folder


def load_json(path: Path):
    """A JSON file's content.

    Raises:
        ValueError: Unreadable or not JSON, naming the file.
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path}: not a readable JSON file ({error})") from error


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"{path}: not a readable CSV file ({error})") from error
    missing = [c for c in columns if rows and c not in rows[0]]
    if not rows or missing:
        raise ValueError(f"{path}: expected a CSV with columns {', '.join(columns)}"
                         + (f" (missing: {', '.join(missing)})" if missing else " and at least one row"))
    return rows


def _aci_json(path: Path) -> list[dict]:
    data = load_json(path)
    rows = data.get("data") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and {"src", "tgt"} <= r.keys() for r in rows):
        raise ValueError(f"{path}: expected ACI-Bench JSON {{\"data\": [{{\"src\", \"tgt\", \"file\"}}, ...]}}")
    return rows


def read_aci_bench(folder: Path, split: str = "valid") -> list[NoteExample]:
    """ACI-Bench examples of one split, with the four division references where the split has them.

    Args:
        folder: The ``aci-bench`` folder (or a folder holding ``<split>.json`` directly).
        split: ``train``, ``valid``, ``test1``/``clinicalnlp_taskB_test1``, ``test2``/``clinicalnlp_taskC_test2``,
            or an ASR variant such as ``valid_aci_asr``.

    Returns:
        The examples in file order.

    Raises:
        ValueError: The folder or the split's file is missing or malformed.
    """
    folder = require_folder(folder, "the ACI-Bench folder with challenge_data_json/, e.g. ../shared/data/aci-bench")
    name = _ACI_ALIASES.get(split, split)
    for sub in (".", "challenge_data_json", "src_experiment_data_json"):
        path = folder / sub / f"{name}.json"
        if path.is_file():
            rows = _aci_json(path)
            divisions = {d: _aci_json(path.with_name(f"{name}_{d}.json")) for d in ACI_DIVISIONS
                         if path.with_name(f"{name}_{d}.json").is_file()}
            if len(divisions) < len(ACI_DIVISIONS) or any(len(v) != len(rows) for v in divisions.values()):
                divisions = {}
            return [NoteExample(str(row.get("file", i)), aci_utterances(row["src"]), row["tgt"],
                                ({d: divisions[d][i]["tgt"] for d in ACI_DIVISIONS},) if divisions else ())
                    for i, row in enumerate(rows)]
    for sub in ("challenge_data", "src_experiment_data"):
        path = folder / sub / f"{name}.csv"
        if path.is_file():
            rows = _read_csv(path, ("dialogue", "note"))
            return [NoteExample(f"{row.get('encounter_id') or row.get('id') or i}-{row.get('dataset', '')}".strip("-"),
                                aci_utterances(row["dialogue"]), row["note"]) for i, row in enumerate(rows)]
    raise ValueError(f"{folder}: no ACI-Bench split {split!r} (expected challenge_data_json/{name}.json, "
                     f"src_experiment_data_json/{name}.json or challenge_data/{name}.csv)")


def read_mts_dialog(folder: Path, split: str = "validation") -> list[NoteExample]:
    """MTS-Dialog examples of one split: a short dialogue and one section (header and text).

    Args:
        folder: The ``mts-dialog`` folder.
        split: ``train``, ``validation`` or ``test`` (Test Set 1 of MEDIQA-Chat 2023).

    Returns:
        The examples in file order.

    Raises:
        ValueError: The folder or the split's CSV is missing or malformed.
    """
    folder = require_folder(folder, "the MTS-Dialog folder with MTS-Dialog-*Set*.csv, e.g. ../shared/data/mts-dialog")
    if split not in _MTS_FILES:
        raise ValueError(f"unknown MTS-Dialog split {split!r} (known: train, validation, test)")
    files = sorted(folder.glob(_MTS_FILES[split]))
    if not files:
        raise ValueError(f"{folder}: no MTS-Dialog {split} file (expected a CSV named {_MTS_FILES[split]})")
    rows = _read_csv(files[0], _MTS_COLUMNS)
    return [NoteExample(row["ID"], mts_utterances(row["dialogue"]), row["section_text"],
                        ({row["section_header"].strip(): row["section_text"]},)) for row in rows]


def read_examples(dataset: str, folder: Path, split: str | None = None) -> list[NoteExample]:
    """The examples of a data set's split.

    Args:
        dataset: One of :data:`DATASETS`.
        folder: The data set's folder.
        split: The split (default: :data:`DEFAULT_SPLITS`).

    Returns:
        The examples, those without a reference included (their ``references`` and ``note`` are empty).

    Raises:
        ValueError: Unknown data set, or a missing or malformed folder or file.
    """
    split = split or DEFAULT_SPLITS.get(dataset, "")
    if dataset == "aci-bench":
        return read_aci_bench(folder, split)
    if dataset == "mts-dialog":
        return read_mts_dialog(folder, split)
    if dataset == "imcs":
        from summarizer.imcs_data import read_imcs

        return read_imcs(folder, split)
    raise ValueError(f"unknown data set {dataset!r} (known: {', '.join(DATASETS)})")
