"""The allergy QC rules: an allergy statement is present, allergies do not contradict each other, and no drug given
in the plan is one the patient is allergic to (or of the same class, or cross-reactive; see
:mod:`summarizer.qc_drugs`)."""

from __future__ import annotations

from typing import Iterator

from summarizer.qc_common import Hit, Part, QcContext
from summarizer.qc_drugs import DRUG_CLASSES, AllergyClause, find_drugs, read_allergies, relation

__all__ = ["ALLERGY_RULES"]


def _read(ctx: QcContext, part: Part) -> list[AllergyClause]:
    return read_allergies(part.sentences(), ctx.language, allergy_section=part.kind == "allergy_history")


def _statements(ctx: QcContext) -> list[tuple[Part, AllergyClause]]:
    return [(part, c) for part in ctx.parts for c in _read(ctx, part)]


def allergy_statement(ctx: QcContext) -> Iterator[Hit]:
    for part in ctx.of_kind("allergy_history"):
        if not part.discussed():
            yield Hit("allergy_statement", part, f"{part.title}未记录：请写明过敏原或“否认药物、食物过敏史”" if ctx.zh() else
                      f'{part.title} not recorded: name the allergens or write "No known drug or food allergies"')
        elif not _read(ctx, part):
            yield Hit("allergy_statement", part, f"{part.title}未写明过敏原或“否认药物、食物过敏史”" if ctx.zh() else
                      f'{part.title} neither names an allergen nor states "No known drug or food allergies"')


def _where(part: Part, clause: AllergyClause) -> tuple[str, int]:
    return part.id, clause.sentence_index


def _denies(denial: AllergyClause, allergen) -> bool:
    if denial.others or allergen.generic:
        return False
    if denial.allergens:
        return any(a.name.lower() == allergen.name.lower() for a in denial.allergens)
    return allergen.category in denial.scope


def allergy_contradiction(ctx: QcContext) -> Iterator[Hit]:
    statements = _statements(ctx)
    seen: set[tuple] = set()
    for d_part, denial in ((p, c) for p, c in statements if c.denial):
        for p_part, stated in ((p, c) for p, c in statements if not c.denial):
            for allergen in stated.allergens:
                if not _denies(denial, allergen) or (d_part.id, denial.sentence_index, allergen.name) in seen:
                    continue
                seen.add((d_part.id, denial.sentence_index, allergen.name))
                # Point at the 过敏史 statement when one side is there; the other side is the related place.
                here, there = ((p_part, stated), (d_part, denial)) if d_part.kind != "allergy_history" or \
                    p_part.kind == "allergy_history" else ((d_part, denial), (p_part, stated))
                if ctx.zh():
                    message = f"过敏史前后矛盾：{d_part.title}写“{denial.text}”，{p_part.title}却记有{allergen.name}过敏"
                else:
                    message = (f'Allergies contradict each other: {d_part.title} says "{denial.text}" but '
                               f"{p_part.title} records an allergy to {allergen.name}")
                yield Hit("allergy_contradiction", here[0], message, here[1].sentence_index,
                          key=f"{allergen.name}|{d_part.id}", related=(_where(*there),))


def _conflict_message(ctx: QcContext, drug: str, allergen: str, where: str, kind: str,
                      classes: tuple[str | None, str | None]) -> str:
    zh = ctx.zh()
    names = [DRUG_CLASSES[c][0 if zh else 1] for c in dict.fromkeys(classes) if c]
    if drug.lower() == allergen.lower() or not names:
        why = ""
    elif len(names) == 1:
        why = f"（同属{names[0]}）" if zh else f" (both {names[0]})"
    else:
        why = f"（{names[0]}与{names[1]}）" if zh else f" ({names[0]} and {names[1]})"
    if zh:
        if kind == "cross":
            return f"开具的{drug}与{where}中的{allergen}过敏可能存在交叉过敏{why}，请确认"
        return f"开具的{drug}与{where}中的{allergen}过敏冲突{why}"
    if kind == "cross":
        return (f"{drug} is prescribed and {where} records an allergy to {allergen}: possible cross-reactivity{why}; "
                "confirm")
    return f"{drug} is prescribed but {where} records an allergy to {allergen}{why}"


def allergy_drug_conflict(ctx: QcContext) -> Iterator[Hit]:
    stated = [(p, c, a) for p, c in _statements(ctx) if not c.denial for a in c.allergens if not a.generic]
    if not stated:
        return
    seen: set[tuple[str, str]] = set()
    for part in ctx.of_kind("plan", template_only=False):
        for index, sentence in part.sentences():
            for written, drug in find_drugs(sentence, ctx.language):
                for a_part, clause, allergen in stated:
                    kind, *classes = relation(drug, allergen.name)
                    if not kind or (drug, allergen.name) in seen:
                        continue
                    seen.add((drug, allergen.name))
                    rule = "allergy_drug_conflict" if kind == "conflict" else "allergy_cross_reactivity"
                    message = _conflict_message(ctx, written, allergen.name, a_part.title, kind, tuple(classes))
                    yield Hit(rule, part, message, index, key=f"{drug}|{allergen.name}",
                              related=(_where(a_part, clause),))


ALLERGY_RULES = (allergy_statement, allergy_contradiction, allergy_drug_conflict)
