"""Reference notes and their conversations for the faithfulness evaluation, read from each data set's own format.

- **ACI-Bench** (English): ``challenge_data/<split>.csv`` or ``src_experiment_data/<split>.csv`` (columns
  ``dialogue`` with ``[doctor]``/``[patient]`` turns and ``note``), or a ``challenge_data_json/<split>_full.json``
  file (``src``/``tgt``). Splits: ``train``, ``valid``, ``test1`` (= ``clinicalnlp_taskB_test1``), ``test2``
  (= ``clinicalnlp_taskC_test2``), or any CSV stem such as ``valid_aci_asr``.
- **IMCS-21 / IMCS-V2-MRG** (Chinese): ``IMCS-V2_<split>*.json`` (dialogue id → ``dialogue`` and ``report``, a list of
  reference reports) and PromptCBLUE ``*_IMCS-V2-MRG_<split>.jsonl`` (``input`` with ``患者：``/``医生：`` lines and
  ``target``); inputs without a reference are skipped.
- **MIE** (Chinese): ``<split>.json`` windows; each label ``类别:项目-状态:…`` becomes a sentence
  (:func:`mie_sentence`); ``未知`` labels state nothing and are skipped.

The data sets are not bundled; this module is for the evaluation harness only.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from diarization.types import Utterance

__all__ = ["EvalVisit", "load_aci", "load_imcs", "load_mie", "mie_sentence", "note_sentences", "report_sentences"]

_ACI_SPLITS = {"test1": "clinicalnlp_taskB_test1", "test2": "clinicalnlp_taskC_test2",
               "test3": "clinicalnlp_taskC_test3"}
_ROLES = {"doctor": "doctor", "patient": "patient", "医生": "doctor", "患者": "patient"}
_SECONDS_PER_WORD = 0.4
_PLACEHOLDERS = re.compile(r"^(?:暂缺|不详|无|暂无|未提及|无特殊|不清楚|未知|未做|未查|—|-)?[。.]?$")


@dataclass(frozen=True)
class EvalVisit:
    """One conversation with the reference sentences to check against it.

    Attributes:
        id: Encounter / dialogue / window id.
        language: ``zh`` or ``en``.
        utterances: The conversation (times are estimated from its length when the data set has none).
        sentences: Reference sentences (or sentences built from labels).
    """

    id: str
    language: str
    utterances: tuple[Utterance, ...]
    sentences: tuple[str, ...]


def _detokenize(text: str) -> str:
    """ACI-Bench's tokenized text (``do n't``, ``gon na``, ``okay , so``) as plain text."""
    text = re.sub(r"\s+(n't|'s|'re|'m|'ve|'ll|'d)\b", r"\1", text)
    text = re.sub(r"\bgon na\b", "gonna", text)
    text = re.sub(r"\bwan na\b", "wanna", text)
    text = re.sub(r"\s+([,.?!;:%])", r"\1", text)
    text = re.sub(r"(\d),\s(\d{3})\b", r"\1,\2", text)
    return text.strip()


def _utterances(turns: list[tuple[str, str]], detokenize: bool = False) -> tuple[Utterance, ...]:
    out, clock = [], 0.0
    for i, (speaker, text) in enumerate(turns, 1):
        text = _detokenize(text) if detokenize else text.strip()
        if not text:
            continue
        length = max(len(text.split()) if detokenize else len(text) / 3, 1) * _SECONDS_PER_WORD
        role = _ROLES.get(speaker, "other")
        out.append(Utterance(f"u{i:03d}", speaker, role, round(clock, 2), round(clock + length, 2), text))
        clock += length + 0.3
    return tuple(out)


def aci_dialogue(dialogue: str) -> tuple[Utterance, ...]:
    """Utterances of an ACI-Bench dialogue (``[doctor] …`` lines; ``[patient_guest]`` and others become
    ``other``)."""
    turns = []
    for line in dialogue.splitlines():
        m = re.match(r"\s*\[([a-z_]+)\]\s*(.*)", line)
        if m:
            turns.append((m.group(1), m.group(2)))
        elif turns and line.strip():
            turns[-1] = (turns[-1][0], turns[-1][1] + " " + line.strip())
    return _utterances(turns, detokenize=True)


_EN_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")
_EN_ABBREV = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|St|vs|approx|e\.g|i\.e|No)\.$")


def note_sentences(note: str) -> list[str]:
    """Sentences of an English clinical note: section headings dropped, bullets and list lines kept as sentences."""
    out = []
    for line in note.splitlines():
        line = line.strip().lstrip("•*-–").strip()
        if not line or (line.isupper() and len(line.split()) <= 8) or re.fullmatch(r"[A-Z /&]+:?", line):
            continue
        pieces = _EN_SPLIT.split(line)
        merged: list[str] = []
        for piece in pieces:
            if merged and _EN_ABBREV.search(merged[-1]):
                merged[-1] += " " + piece
            else:
                merged.append(piece)
        out.extend(p.strip() for p in merged if len(p.strip()) > 2)
    return out


def _aci_file(path: Path, split: str) -> Path:
    if path.is_file():
        return path
    name = _ACI_SPLITS.get(split, split)
    for candidate in (path / "challenge_data" / f"{name}.csv", path / "src_experiment_data" / f"{name}.csv",
                      path / "challenge_data_json" / f"{name}_full.json", path / f"{name}.csv"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no ACI-Bench split {split!r} under {path} (try train, valid, test1, test2)")


def load_aci(path: str | Path, split: str | None = None) -> list[EvalVisit]:
    """ACI-Bench encounters of one split (``valid`` by default).

    Raises:
        FileNotFoundError: No such split file.
    """
    file = _aci_file(Path(path), split or "valid")
    rows: list[tuple[str, str, str]] = []
    if file.suffix == ".json":
        for i, row in enumerate(json.loads(file.read_text(encoding="utf-8"))["data"]):
            rows.append((str(row.get("file", i)), row["src"], row["tgt"]))
    else:
        csv.field_size_limit(min(sys.maxsize, 2 ** 31 - 1))
        with file.open(encoding="utf-8", newline="") as handle:
            for i, row in enumerate(csv.DictReader(handle)):
                rows.append((row.get("encounter_id") or row.get("id") or str(i), row["dialogue"], row["note"]))
    return [EvalVisit(eid, "en", aci_dialogue(dialogue), tuple(note_sentences(note))) for eid, dialogue, note in rows]


def report_sentences(report: dict | str) -> list[str]:
    """Sentences of an IMCS report (a dict of sections, or ``主诉：…`` lines); placeholders (暂缺、不详) dropped."""
    if isinstance(report, str):
        sections = {}
        for line in report.splitlines():
            key, sep, value = line.partition("：")
            if sep and key.strip() in ("主诉", "现病史", "辅助检查", "既往史", "诊断", "建议"):
                sections[key.strip()] = value
        report = sections
    out = []
    for value in report.values():
        for piece in re.split(r"(?<=[。；;！!？?])", str(value)):
            piece = piece.strip()
            if piece and not _PLACEHOLDERS.match(piece):
                out.append(piece)
    return out


def _prompt_dialogue(text: str) -> tuple[Utterance, ...]:
    body = text.split("问诊对话历史：", 1)[-1]
    turns = []
    for line in body.splitlines():
        m = re.match(r"\s*(患者|医生)[：:](.*)", line)
        if m:
            turns.append((m.group(1), m.group(2)))
    return _utterances(turns)


def load_imcs(path: str | Path, split: str | None = None) -> list[EvalVisit]:
    """IMCS-V2-MRG dialogues with reference reports (``split`` filters file names: ``train``, ``dev``, ``test``;
    None: all files).

    Raises:
        FileNotFoundError: No IMCS file under ``path``.
    """
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.glob("*.json")) + sorted(path.glob("*.jsonl"))
    files = [f for f in files if "IMCS" in f.name and (split is None or f"_{split}" in f.name)]
    if not files:
        raise FileNotFoundError(f"no IMCS-V2 files{' of split ' + split if split else ''} under {path}")
    visits = []
    for file in files:
        if file.suffix == ".jsonl":
            for n, line in enumerate(file.read_text(encoding="utf-8").splitlines()):
                row = json.loads(line) if line.strip() else {}
                target = row.get("target", "")
                sentences = report_sentences(target)
                if sentences:
                    visits.append(EvalVisit(str(row.get("sample_id", f"{file.stem}-{n}")), "zh",
                                            _prompt_dialogue(row["input"]), tuple(sentences)))
            continue
        for did, item in json.loads(file.read_text(encoding="utf-8")).items():
            turns = [(t.get("speaker", ""), t.get("sentence", "")) for t in item.get("dialogue", [])]
            reports = item.get("report") or []
            sentences = list(dict.fromkeys(s for r in reports for s in report_sentences(r)))
            if sentences:
                visits.append(EvalVisit(str(did), "zh", _utterances(turns), tuple(sentences)))
    return visits


_MIE_TEMPLATES = {
    "症状": {"阳性": "患者有{item}。", "阴性": "患者无{item}。", "医生阳性": "医生认为有{item}。",
           "医生阴性": "医生认为无{item}。"},
    "检查": {"阳性": "已做{item}检查。", "阴性": "未做{item}检查。", "医生阳性": "医生建议做{item}检查。",
           "医生阴性": "医生认为不需要做{item}检查。"},
    "手术": {"阳性": "做过{item}手术。", "阴性": "未做过{item}手术。", "医生阳性": "医生建议做{item}手术。",
           "医生阴性": "医生认为不需要做{item}手术。"},
}
_MIE_GENERAL = {("睡眠", True): "睡眠可。", ("睡眠", False): "睡眠差。", ("饮食", True): "饮食可。",
                ("饮食", False): "饮食差。", ("精神状态", True): "精神可。", ("精神状态", False): "精神差。",
                ("大小便", True): "大小便正常。", ("大小便", False): "大小便异常。", ("吸烟", True): "有吸烟史。",
                ("吸烟", False): "不吸烟。", ("饮酒", True): "有饮酒史。", ("饮酒", False): "不饮酒。"}


def mie_sentence(label: str) -> str | None:
    """The sentence a MIE label states (``症状:头晕-状态:阴性`` → ``患者无头晕。``); None for ``未知``."""
    head, _, status = label.partition("-状态:")
    category, _, item = head.partition(":")
    if status == "未知" or not item:
        return None
    if category == "一般信息":
        return _MIE_GENERAL.get((item, status in ("阳性", "医生阳性")))
    template = _MIE_TEMPLATES.get(category, {}).get(status)
    return template.format(item=item) if template else None


def load_mie(path: str | Path, split: str | None = None) -> list[EvalVisit]:
    """MIE windows as visits: the window's utterances and a sentence per known-status label.

    Args:
        path: The MIE folder or a split file.
        split: ``dev`` (default), or ``dev[A:B]`` for dialogues A to B-1 (e.g. to keep a held-out half).

    Raises:
        FileNotFoundError: No ``<split>.json``.
        ValueError: A malformed ``[A:B]`` range.
    """
    path = Path(path)
    name, start, stop = split or "dev", None, None
    m = re.fullmatch(r"(\w+)\[(\d*):(\d*)\]", name)
    if m:
        name, start, stop = m.group(1), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None
    elif "[" in name:
        raise ValueError(f"MIE split must be NAME or NAME[A:B], not {split!r}")
    file = path if path.is_file() else path / f"{name}.json"
    if not file.is_file():
        raise FileNotFoundError(f"no MIE split file {file}")
    visits = []
    dialogues = json.loads(file.read_text(encoding="utf-8"))
    for d, dialogue in list(enumerate(dialogues))[start:stop]:
        for w, window in enumerate(dialogue):
            turns = [line.partition(":")[::2] for line in window["utterances"] if line]
            sentences = [s for s in (mie_sentence(label) for label in window["label"]) if s]
            if sentences:
                visits.append(EvalVisit(f"d{d:03d}w{w:02d}", "zh", _utterances(turns), tuple(sentences)))
    return visits
