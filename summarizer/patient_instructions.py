"""患者版医嘱 (patient-facing instructions): the diagnosis in plain words, how to take each medicine, warning signs
and follow-up, written from the same facts (and citing the same utterances) as the record.

Nothing is added that the doctor did not say: a medicine named without a dose says to follow the label or ask the
pharmacist, rather than guessing one. Printable on its own (:meth:`summarizer.record.Record.patient_text`).
"""

from __future__ import annotations

from typing import Sequence

from summarizer.compose_common import definite, ids, pick
from summarizer.facts import Fact
from summarizer.record import RecordSection, Sentence

__all__ = ["build_patient_instructions", "PLAIN_WORDS"]

# Plain-language explanations of common outpatient diagnoses (shown after the medical term).
PLAIN_WORDS = {
    "社区获得性肺炎": "肺部感染", "肺炎": "肺部感染", "上呼吸道感染": "感冒", "急性上呼吸道感染": "感冒",
    "急性支气管炎": "支气管发炎", "支气管炎": "支气管发炎", "高血压": "血压偏高", "2型糖尿病": "血糖偏高",
    "糖尿病": "血糖偏高", "急性胃肠炎": "肠胃发炎", "胃食管反流病": "胃酸反流", "冠心病": "心脏供血不足",
    "偏头痛": "一种反复发作的头痛", "过敏性鼻炎": "鼻子过敏",
    "community-acquired pneumonia": "a lung infection", "pneumonia": "a lung infection",
    "hypertension": "high blood pressure", "upper respiratory infection": "a common cold",
    "acute bronchitis": "inflamed airways", "type 2 diabetes": "high blood sugar",
}

_TEXT = {
    "zh": {"diagnosis": "您的诊断", "medicines": "用药", "care": "生活注意", "warning": "出现以下情况请及时就医",
           "followup": "复诊", "dx": "医生考虑您患的是{0}。", "dose_unknown": "用法用量请按药品说明书或咨询药师",
           "avoid": "请勿使用{0}。", "keep": "{0}照常服用。", "stop": "停用{0}。", "emergency": "{0}时，请立即到急诊就诊。",
           "followup_when": "{0}后复诊", "recheck": "复查{0}", "title": "患者版医嘱", "sep": "，", "end": "。"},
    "en": {"diagnosis": "Your diagnosis", "medicines": "Medicines", "care": "Looking after yourself",
           "warning": "Get help quickly if", "followup": "Follow-up", "dx": "The doctor thinks you have {0}.",
           "dose_unknown": "take as the label says, or ask the pharmacist", "avoid": "Do not take {0}.",
           "keep": "Keep taking {0} as usual.", "stop": "Stop taking {0}.",
           "emergency": "Go to the emergency department at once if {0}.", "followup_when": "come back in {0}",
           "recheck": "repeat {0}", "title": "Instructions for the patient", "sep": ", ", "end": "."},
}


def _emergency(f: Fact) -> bool:
    return f.item in ("急诊", "立即就诊") or "emergency" in f.item


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _diagnosis(facts, t, language) -> list[Sentence]:
    stated = pick(facts, "diagnosis", keep=lambda f: f.status == "present" or f.detail == "hedged")
    names = []
    for f in stated:
        plain = PLAIN_WORDS.get(f.item) or PLAIN_WORDS.get(f.item.lower())
        names.append(f"{f.item}（{plain}）" if plain and language == "zh" else f"{f.item} ({plain})" if plain
                     else f.item)
    return [Sentence(t["dx"].format(t["sep"].join(dict.fromkeys(names))), ids(stated))] if names else []


def _medicines(facts, t, language) -> list[Sentence]:
    out = []
    for m in pick(facts, "medication", by="doctor", keep=definite):
        if m.status == "absent":
            out.append(Sentence((t["stop"] if "停用" in m.detail or "stop" in m.detail else t["avoid"]).format(m.item),
                                ids(m)))
        elif any(w in m.detail for w in ("照常", "继续", "continue")):
            out.append(Sentence(t["keep"].format(m.item), ids(m)))
        else:
            parts = [p for p in (m.value and (f"每次{m.value}" if language == "zh" else m.value), m.frequency,
                                 m.detail, m.duration and (
                                     f"共{m.duration}" if language == "zh" else f"for {m.duration}")) if p]
            how = t["sep"].join(parts) if m.value else t["sep"].join(parts + [t["dose_unknown"]])
            colon = "：" if language == "zh" else ": "
            out.append(Sentence(_sentence(f"{m.item}{colon}{how}{t['end']}"), ids(m)))
    return out


def _care(facts, t) -> list[Sentence]:
    advice = pick(facts, "advice", "present", "doctor", lambda f: not _emergency(f) and not f.item.endswith("术"))
    return [Sentence(_sentence(t["sep"].join(f.item for f in advice) + t["end"]), ids(advice))] if advice else []


def _warning(facts, t) -> list[Sentence]:
    return [Sentence(t["emergency"].format(f.detail), ids(f))
            for f in pick(facts, "advice", "present", "doctor",
                          lambda f: _emergency(f) and bool(f.detail))]


def _followup(facts, t) -> list[Sentence]:
    follow = pick(facts, "followup", "present", "doctor")
    if not follow:
        return []
    when = next((f.duration for f in follow if f.duration), "")
    parts = [t["followup_when"].format(when) if when else ""] + [t["recheck"].format(f.detail) for f in follow
                                                                    if f.detail]
    parts = [p for p in dict.fromkeys(parts) if p]
    return [Sentence(_sentence(t["sep"].join(parts) + t["end"]), ids(follow))] if parts else []


def build_patient_instructions(facts: Sequence[Fact], language: str) -> tuple[RecordSection, ...]:
    """The patient-facing sections, each sentence citing its utterances; empty when the visit gave nothing to say.

    Args:
        facts: The visit's facts (:func:`summarizer.facts.extract_facts`).
        language: ``zh`` or ``en``.
    """
    t = _TEXT["zh" if language == "zh" else "en"]
    parts = (("diagnosis", _diagnosis(facts, t, language)), ("medicines", _medicines(facts, t, language)),
             ("care", _care(facts, t)), ("warning", _warning(facts, t)), ("followup", _followup(facts, t)))
    return tuple(RecordSection(key, t[key], tuple(sentences)) for key, sentences in parts if sentences)
