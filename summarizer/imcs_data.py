"""Reader of IMCS-21 medical report generation (IMCS-V2-MRG) examples, in its two formats.

- **Complete records** (``IMCS-V2_<split>*.json``, or ``<split>.json`` as in the IMCS-21 release):
  ``{example id: {"dialogue": [{"speaker": "医生"|"患者", "sentence": …}, …], "report": [{主诉…}, {主诉…}], …}}``
  — two reference reports per dialogue (none in the test split).
- **PromptCBLUE** (``*IMCS-V2-MRG_<split>.jsonl``): one JSON object per line, ``input`` holding the prompt with the
  dialogue as ``患者：…`` / ``医生：…`` lines after ``问诊对话历史：``, ``target`` the one reference report
  (``上述问诊对话的诊疗报告如下：`` then ``主诉：…`` lines), empty for test inputs; ``sample_id`` the id.

Split ``all`` reads every file of both formats in the folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from summarizer.note_datasets import NoteExample, load_json, make_utterances, require_folder

__all__ = ["IMCS_KEYS", "imcs_prompt_utterances", "parse_imcs_report", "read_imcs"]

IMCS_KEYS = ("主诉", "现病史", "辅助检查", "既往史", "诊断", "建议")
_ROLES = {"医生": "doctor", "患者": "patient"}
_PROMPT_TURN = re.compile(r"^(患者|医生|家属)[：:](.*)$")
_REPORT_LINE = re.compile(rf"^({'|'.join(IMCS_KEYS)})[：:](.*)$")


def imcs_prompt_utterances(prompt: str) -> tuple:
    """The dialogue of a PromptCBLUE ``input``: ``患者：``/``医生：`` lines after ``问诊对话历史：``.

    Untagged lines between two turns continue the earlier one; those after the last turn are the prompt's
    instructions (``根据上述对话…``, ``说明：…``, ``答：``) and are dropped.

    Args:
        prompt: The ``input`` text.

    Returns:
        The utterances (医生 → ``doctor``, 患者 → ``patient``, 家属 → ``other``).
    """
    _, marker, rest = prompt.partition("问诊对话历史：")
    lines = [line.strip() for line in (rest if marker else prompt).split("\n") if line.strip()]
    tagged = [i for i, line in enumerate(lines) if _PROMPT_TURN.match(line)]
    turns: list[list[str]] = []
    for line in lines[:tagged[-1] + 1] if tagged else ():
        match = _PROMPT_TURN.match(line)
        if match:
            turns.append([match.group(1), _ROLES.get(match.group(1), "other"), match.group(2).strip()])
        elif turns:
            turns[-1][2] += line
    return make_utterances((s, r, t) for s, r, t in turns if t)


def parse_imcs_report(target: str, where: str = "<target>") -> dict[str, str]:
    """A PromptCBLUE ``target`` → ``{key: value}`` in the target's key order (empty values kept).

    Args:
        target: The target text.
        where: Its file and line, for the error message.

    Returns:
        The report; ``{}`` for an empty target.

    Raises:
        ValueError: A non-empty target with no ``主诉：``… line.
    """
    report = {}
    for line in target.split("\n"):
        match = _REPORT_LINE.match(line.strip())
        if match:
            report[match.group(1)] = match.group(2).strip()
    if target.strip() and not report:
        raise ValueError(f"{where}: target has no report lines (expected 主诉：…, 现病史：… lines)")
    return report


def _complete_records(path: Path) -> list[NoteExample]:
    data = load_json(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected IMCS-21 records {{id: {{\"dialogue\": [...], \"report\": [...]}}}}")
    examples = []
    for key, record in data.items():
        dialogue = record.get("dialogue") if isinstance(record, dict) else None
        if not isinstance(dialogue, list) or not all(isinstance(t, dict) and "sentence" in t for t in dialogue):
            raise ValueError(f"{path}: record {key}: expected a \"dialogue\" list of {{speaker, sentence}}")
        reports = record.get("report") or []
        if not isinstance(reports, list) or not all(isinstance(r, dict) for r in reports):
            raise ValueError(f"{path}: record {key}: expected \"report\" to be a list of {{主诉: …}} mappings")
        turns = [(str(t.get("speaker", "")), _ROLES.get(str(t.get("speaker", "")), "other"), str(t["sentence"]))
                 for t in dialogue if str(t["sentence"]).strip()]
        examples.append(NoteExample(str(key), make_utterances(turns), "",
                                    tuple({k: str(v) for k, v in r.items()} for r in reports)))
    return examples


def _prompt_records(path: Path) -> list[NoteExample]:
    examples = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not a readable JSON-lines file ({error})") from error
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            raise ValueError(f"{path}:{number}: not valid JSON ({error})") from error
        if not isinstance(item, dict) or not isinstance(item.get("input"), str):
            raise ValueError(f"{path}:{number}: expected a PromptCBLUE object with \"input\" and \"target\"")
        report = parse_imcs_report(str(item.get("target") or ""), f"{path}:{number}")
        examples.append(NoteExample(str(item.get("sample_id", f"{path.stem}-{number}")),
                                    imcs_prompt_utterances(item["input"]), "", (report,) if report else ()))
    return examples


def read_imcs(folder: Path, split: str = "all") -> list[NoteExample]:
    """IMCS-21 MRG examples of one split from both formats (complete records first, then PromptCBLUE).

    Args:
        folder: The ``imcs21`` folder.
        split: ``dev``, ``train``, ``test`` or ``all``.

    Returns:
        The examples; those without a reference (test inputs) have empty ``references``.

    Raises:
        ValueError: The folder is missing, holds no file of the split, or a file is malformed.
    """
    folder = require_folder(folder, "the IMCS-21 folder with IMCS-V2_*.json or *IMCS-V2-MRG_*.jsonl files, "
                                    "e.g. ../shared/data/imcs21")
    pattern = "*" if split == "all" else split
    complete = sorted(set(folder.glob("IMCS-V2_*.json" if split == "all" else f"IMCS-V2_{split}*.json"))
                      | ({folder / f"{split}.json"} if (folder / f"{split}.json").is_file() else set()))
    prompts = sorted(folder.glob(f"*IMCS-V2-MRG_{pattern}.jsonl"))
    if not complete and not prompts:
        raise ValueError(f"{folder}: no IMCS-21 {split} file (expected IMCS-V2_{pattern}.json or "
                         f"*IMCS-V2-MRG_{pattern}.jsonl)")
    examples = [e for path in complete for e in _complete_records(path)]
    return examples + [e for path in prompts for e in _prompt_records(path)]
