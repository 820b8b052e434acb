"""The short reasons a support check gives, in the record's language (Chinese or English)."""

from __future__ import annotations

from typing import Sequence

__all__ = ["CODES", "reason", "join_reasons", "cite"]

# What a flag is about; ``""`` for a supported sentence.
CODES = ("negation", "unconfirmed", "dose", "duration", "number", "laterality", "drug", "unmentioned", "ungrounded")

_ZH = {
    "negation_denied": "病历写有{item}，但对话中{who}否认（{ids}）",
    "negation_reported": "病历写无{item}，但对话中{who}提到有{item}（{ids}）",
    "dose": "剂量{claim}与对话中{said}（{ids}）不符",
    "duration": "时长{claim}与对话中{said}（{ids}）不符",
    "number": "数值{claim}与对话中{said}（{ids}）不符",
    "number_unsaid": "数值{claim}在对话中未出现",
    "laterality": "侧别“{claim}”与对话中“{said}”（{ids}）不符",
    "laterality_unsaid": "侧别“{claim}”在对话中未提及",
    "drug": "药物“{item}”在对话中未提及",
    "drug_other": "药物“{item}”在对话中未提及（对话中为{said}，{ids}）",
    "unmentioned": "“{item}”在对话中未提及",
    "unconfirmed": "对话中只问及“{item}”，未确认有（{ids}）",
    "unconfirmed_absent": "对话中只问及“{item}”，未确认无（{ids}）",
    "ungrounded": "对话中找不到这句话的依据",
    "supported": "与对话一致（{ids}）",
    "nothing": "无可核对的临床细节",
    "nothing_ids": "无可核对的临床细节（措辞见{ids}）",
}
_EN = {
    "negation_denied": "negation flipped: {who} denied {item} ({ids})",
    "negation_reported": "negation flipped: {who} reported {item} ({ids})",
    "dose": "dose {claim} differs from {said} said in {ids}",
    "duration": "duration {claim} differs from {said} said in {ids}",
    "number": "{claim} differs from {said} said in {ids}",
    "number_unsaid": "{claim} is never said",
    "laterality": "laterality: {claim}, but the visit says {said} ({ids})",
    "laterality_unsaid": "laterality: {claim} is never said",
    "drug": "drug {item} never mentioned",
    "drug_other": "drug {item} never mentioned (the visit names {said}, {ids})",
    "unmentioned": "{item} never mentioned",
    "unconfirmed": "{item} was only asked about, never confirmed ({ids})",
    "unconfirmed_absent": "{item} was only asked about, never denied ({ids})",
    "ungrounded": "nothing in the visit says this",
    "supported": "consistent with {ids}",
    "nothing": "no clinical detail to check",
    "nothing_ids": "no clinical detail to check (wording from {ids})",
}
_WHO = {"zh": {"patient": "患者", "other": "家属", "doctor": "医生", "": ""},
        "en": {"patient": "the patient", "other": "a companion", "doctor": "the doctor", "": "the visit"}}


def cite(ids: Sequence[str], language: str, limit: int = 2) -> str:
    """``u012、u014`` / ``u012, u014`` (at most ``limit`` ids)."""
    return ("、" if language == "zh" else ", ").join(list(ids)[:limit])


def reason(key: str, language: str, *, who: str = "", ids: Sequence[str] = (), **fields: str) -> str:
    """One reason from its template.

    Args:
        key: Template name (``dose``, ``negation_denied``...).
        language: ``zh`` or ``en``.
        who: Role of the speaker the reason quotes (``patient``, ``doctor``...).
        ids: Utterance ids to cite.
        **fields: ``item``, ``claim``, ``said``.

    Returns:
        The reason text.
    """
    zh = language.startswith("zh")
    templates = _ZH if zh else _EN
    return templates[key].format(who=_WHO["zh" if zh else "en"].get(who, ""), ids=cite(ids, "zh" if zh else "en"),
                                 **fields)


def join_reasons(reasons: Sequence[str], language: str) -> str:
    """Several reasons as one line (the first two, distinct)."""
    unique = list(dict.fromkeys(r for r in reasons if r))[:2]
    return ("；" if language.startswith("zh") else "; ").join(unique)
