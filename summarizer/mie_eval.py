"""Score the rule-based fact extractor on MIE (Zhang et al., ACL 2020): Chinese cardiology consultations in
sliding windows of five utterances, each window labelled ``类别:项目-状态:阳性|阴性|医生阳性|医生阴性|未知``.

For the evaluation harness only (the data set is not bundled; unit tests never need it).

How facts become MIE labels (:func:`fact_labels`):

- **category**: ``exam`` facts and re-checks (``followup`` 复查) → 检查; procedures (``history``/``advice`` items in
  :data:`PROCEDURES`) → 手术; smoking/alcohol habits and general condition (睡眠差, 食欲差, 精神差, 大小便异常)
  → 一般信息; symptoms, histories, diagnoses and findings → 症状. Medications, vitals and advice have no MIE
  category and are dropped.
- **item**: the fact's item if it is an MIE item name; else :data:`ITEM_MAP` (hand-written synonym judgements);
  else, when one of the item's surface forms in our vocabulary *is* an MIE item name, that name (e.g. our 心悸 is
  said 心慌); else the fact is dropped.
- **status** (an item with a known status in a window drops its 未知, as MIE's labels do): uncertain (asked,
  conditional, mentioned, hedged) → 未知, except a doctor's hedged diagnosis (考虑…) → 医生阳性; a test the
  doctor orders or re-checks → 医生阳性; any other test → 阳性 (it was done); other facts: present → 阳性 / 医生阳性 and absent → 阴性 / 医生阴性 by the asserting speaker. General
  condition is inverted: MIE says 阳性 for a normal state (睡眠好) and 阴性 for an abnormal one, our facts name
  the abnormal state (睡眠差 present → 睡眠 阴性).

Vocabulary variants (``variant``): ``own`` — the bundled hand-written vocabulary only; ``labels`` — plus MIE's
label *names* (ontology.json) as extra surface forms where our vocabulary lacks them; ``dict`` — plus MIE's
example synonym dictionary (example_dict.json) too, reported separately because it is more than label names.

Metrics follow MIE's protocol: per window, and per dialogue after merging the windows (a later status replaces
a contradicting earlier one, 未知 yields to any known status); precision, recall and F1 averaged over windows or
dialogues, with an empty prediction matching an empty reference; at three levels — category, category:item,
and full label. Micro-averaged figures are reported too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from diarization.types import Utterance
from summarizer.facts import UNCERTAIN_REASONS, Fact, extract_facts
from summarizer.vocab import Term, Vocabulary, load_vocabulary

__all__ = ["ITEM_MAP", "PROCEDURES", "GENERAL_MAP", "item_map", "fact_labels", "mie_vocabulary", "evaluate_mie", "merge_labels"]

# Our item → MIE item, where the names differ but MIE's item covers ours (judged by hand from the label names).
ITEM_MAP = {
    "咳痰": "咳嗽", "气喘": "呼吸困难", "腹痛": "腹部不适", "腹泻": "腹部不适", "胃痛": "胃部不适", "反酸": "胃部不适",
    "麻木": "僵硬", "寒战": "战栗抽搐", "抽搐": "战栗抽搐", "心动过速": "心律不齐", "心动过缓": "心律不齐",
    "上呼吸道感染": "感冒", "心力衰竭": "心衰", "急性心力衰竭": "心衰", "慢性胃炎": "胃部不适", "心房颤动": "房颤", "高脂血症": "高血脂",
    "甲状腺功能亢进": "甲亢", "心脏彩超": "彩超", "冠脉造影": "造影", "冠脉CTA": "cta", "胸部CT": "ct",
    "CT": "ct", "B超": "b超", "腹部B超": "b超", "运动平板试验": "平板", "血压测量": "测血压",
    "冠脉支架植入术": "支架", "冠脉搭桥术": "搭桥", "射频消融术": "射频消融", "介入治疗": "介入",
    "肾功能-肌酐": "肾功能", "肌钙蛋白": "心肌酶",
}
PROCEDURES = {"冠脉支架植入术", "冠脉搭桥术", "射频消融术", "介入治疗", "支架", "搭桥", "射频消融", "介入"}
GENERAL_MAP = {"睡眠差": "睡眠", "食欲差": "饮食", "精神差": "精神状态", "大小便异常": "大小便", "吸烟": "吸烟",
               "饮酒": "饮酒"}
_CATEGORY_KIND = {"症状": "symptom", "检查": "exam", "手术": "procedure"}


def _ontology(folder: Path) -> dict[str, list[str]]:
    return json.loads((folder / "ontology.json").read_text(encoding="utf-8"))


def mie_vocabulary(folder: Path, variant: str) -> Vocabulary:
    """The bundled vocabulary, plus MIE label names (``labels``) and their example synonyms (``dict``)."""
    base = load_vocabulary("zh")
    if variant == "own":
        return base
    surfaces = dict(base.surfaces)
    extra: list[tuple[str, str, str]] = []
    for category, names in _ontology(folder).items():
        kind = _CATEGORY_KIND.get(category)
        if kind:
            extra += [(kind, name, name) for name in names]
    if variant == "dict":
        examples = json.loads((folder / "example_dict.json").read_text(encoding="utf-8"))
        for category, items in examples.items():
            kind = _CATEGORY_KIND.get(category)
            if kind:
                extra += [(kind, name, synonym) for name, synonyms in items.items() for synonym in synonyms]
    for kind, name, surface in extra:
        surfaces.setdefault(surface.lower(), Term(kind, name))
    return Vocabulary("zh", surfaces)


def item_map(vocab: Vocabulary, names: set[str]) -> dict[str, str]:
    """Our item name → MIE item name: names MIE uses as they are, then surfaces that are MIE names, then ITEM_MAP."""
    mapping = {name: name for name in names}
    for surface, term in vocab.surfaces.items():
        if surface in names and term.item not in mapping:
            mapping[term.item] = surface
    for ours, theirs in ITEM_MAP.items():
        mapping.setdefault(ours, theirs)
    return mapping


def fact_labels(facts: Iterable[Fact], item_map: dict[str, str], ontology: dict[str, list[str]]) -> set[str]:
    """MIE labels of facts (see the module docstring for the mapping)."""
    labels = set()
    for f in facts:
        category, item = _category_item(f, item_map, ontology)
        if category is None:
            continue
        status = _status(f, category)
        if category == "一般信息" and f.item in ("睡眠差", "食欲差", "精神差", "大小便异常") and status != "未知":
            status = {"阳性": "阴性", "阴性": "阳性", "医生阳性": "医生阴性", "医生阴性": "医生阳性"}[status]
        labels.add(f"{category}:{item}-状态:{status}")
    known = {label.split("-状态:")[0] for label in labels if not label.endswith("未知")}
    return {label for label in labels if not (label.endswith("未知") and label.split("-状态:")[0] in known)}


def _category_item(f: Fact, item_map: dict[str, str], ontology: dict[str, list[str]]):
    if f.kind in ("habit", "symptom") and f.item in GENERAL_MAP:
        return "一般信息", GENERAL_MAP[f.item]
    if f.kind == "followup" and f.item == "复查":
        items = [item_map.get(x) for x in f.detail.split("、")]
        item = next((x for x in items if x in ontology["检查"]), None)
        return ("检查", item) if item else (None, None)
    item = item_map.get(f.item)
    if item is None:
        return None, None
    if f.kind == "exam" and item in ontology["检查"]:
        return "检查", item
    if f.kind in ("history", "advice") and item in ontology["手术"]:
        return "手术", item
    if f.kind in ("symptom", "history", "diagnosis", "finding") and item in ontology["症状"]:
        return "症状", item
    return None, None


def _status(f: Fact, category: str) -> str:
    doctor = f.asserted_by == "doctor"
    if f.kind == "followup" or (f.kind == "exam" and f.detail == "ordered") or f.kind == "advice":
        return "医生阳性"
    if f.status == "uncertain":
        if doctor and f.kind == "diagnosis" and f.detail not in UNCERTAIN_REASONS[:3]:
            return "医生阳性"
        return "未知"
    if category == "检查":
        return "阳性" if f.status == "present" else ("医生阴性" if doctor else "阴性")
    if f.status == "present":
        return "医生阳性" if doctor else "阳性"
    return "医生阴性" if doctor else "阴性"


def _window_utterances(window: list[str]) -> tuple[Utterance, ...]:
    out = []
    for i, line in enumerate(window):
        if not line:
            continue
        speaker, _, text = line.partition(":")
        role = "doctor" if speaker == "医生" else "patient" if speaker == "患者" else "other"
        out.append(Utterance(f"w{i}", speaker, role, float(i), float(i) + 1, text))
    return tuple(out)


def _prf(pred: set, gold: set) -> tuple[float, float, float]:
    pred, gold = set(pred) or {"empty"}, set(gold) or {"empty"}
    tp = len(pred & gold)
    p, r = tp / len(pred), tp / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _level(label: str, level: str) -> str:
    head = label.split("-状态:")[0]
    return head.split(":")[0] if level == "category" else head if level == "item" else label


def merge_labels(previous: set[str], current: set[str]) -> set[str]:
    """Dialogue-level merge of window labels: a later status replaces a contradicting earlier one; 未知 yields."""
    statuses: dict[str, set[str]] = {}
    for label in previous:
        head, status = label.split("-状态:")
        statuses.setdefault(head, set()).add(status)
    incoming: dict[str, set[str]] = {}
    for label in current:
        head, status = label.split("-状态:")
        incoming.setdefault(head, set()).add(status)
    for head, new in incoming.items():
        old = statuses.get(head, set())
        for a, b in (("阳性", "阴性"), ("阴性", "阳性"), ("医生阳性", "医生阴性"), ("医生阴性", "医生阳性")):
            if a in old and b in new:
                old.discard(a)
        if "未知" in old and new:
            old.discard("未知")
        if old and "未知" in new:
            new = new - {"未知"}
        statuses[head] = old | new
    return {f"{head}-状态:{s}" for head, ss in statuses.items() for s in ss}


def _scores(pairs: list[tuple[set, set]]) -> dict:
    out = {}
    for level in ("category", "item", "full"):
        values = [_prf({_level(x, level) for x in p}, {_level(x, level) for x in g}) for p, g in pairs]
        n = max(len(values), 1)
        tp = sum(len({_level(x, level) for x in p} & {_level(x, level) for x in g}) for p, g in pairs)
        npred = sum(len({_level(x, level) for x in p}) for p, _ in pairs)
        ngold = sum(len({_level(x, level) for x in g}) for _, g in pairs)
        mp, mr = tp / max(npred, 1), tp / max(ngold, 1)
        out[level] = {"p": round(sum(v[0] for v in values) / n, 4), "r": round(sum(v[1] for v in values) / n, 4),
                      "f1": round(sum(v[2] for v in values) / n, 4),
                      "micro": {"p": round(mp, 4), "r": round(mr, 4),
                                "f1": round(2 * mp * mr / (mp + mr) if mp + mr else 0.0, 4)}}
    return out


def evaluate_mie(path: str | Path, *, split: str = "dev", variant: str = "labels") -> dict:
    """Precision, recall and F1 of the extractor's facts mapped to MIE labels.

    Args:
        path: The MIE folder (with ``ontology.json`` and ``<split>.json``) or a split file inside it.
        split: Split name when ``path`` is a folder.
        variant: ``own``, ``labels`` or ``dict`` (see the module docstring).

    Returns:
        ``{"window": {level: {p, r, f1, micro}}, "dialogue": {...}, "windows": n, "dialogues": n, ...}``.

    Raises:
        FileNotFoundError: The split or the ontology is missing.
        ValueError: Unknown variant.
    """
    if variant not in ("own", "labels", "dict"):
        raise ValueError(f"variant must be own, labels or dict, not {variant!r}")
    path = Path(path)
    folder, file = (path, path / f"{split}.json") if path.is_dir() else (path.parent, path)
    dialogues = json.loads(file.read_text(encoding="utf-8"))
    ontology = _ontology(folder)
    vocab = mie_vocabulary(folder, variant)
    mapping = item_map(vocab, {n for c in ("症状", "检查", "手术") for n in ontology[c]})
    window_pairs, dialogue_pairs = [], []
    for dialogue in dialogues:
        merged_pred: set[str] = set()
        merged_gold: set[str] = set()
        for window in dialogue:
            facts = extract_facts(_window_utterances(window["utterances"]), "zh", vocabulary=vocab)
            pred, gold = fact_labels(facts, mapping, ontology), set(window["label"])
            window_pairs.append((pred, gold))
            merged_pred, merged_gold = merge_labels(merged_pred, pred), merge_labels(merged_gold, gold)
        dialogue_pairs.append((merged_pred, merged_gold))
    return {
        "data": str(file), "variant": variant, "dialogues": len(dialogues), "windows": len(window_pairs),
        "window": _scores(window_pairs), "dialogue": _scores(dialogue_pairs),
        "mapped_items": len(mapping),
    }
