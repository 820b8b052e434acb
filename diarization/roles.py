"""Who is the doctor, the patient, a companion: an enrolled doctor voice first, dialogue cues second.

Cues are phrases typical of each side of an outpatient visit, in Chinese and English: the doctor asks about symptoms,
examines, prescribes and advises, and greets first; the patient reports their own symptoms in the first person and
answers; a companion (家属) reports someone else's symptoms in the third person. Every assignment quotes the cues it
rests on, so the doctor can see why and correct it (corrections live in :mod:`diarization.corrections` and are
re-exported here).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from diarization.corrections import merge_speakers, set_role, swap_roles, with_roles
from diarization.enrollment import DEFAULT_MATCH_THRESHOLD, VoiceProfile, match_enrolled
from diarization.types import RoleAssignment, Utterance

__all__ = [
    "DOCTOR_CUES", "PATIENT_CUES", "COMPANION_CUES", "infer_roles", "assign_roles", "match_enrolled", "with_roles",
    "swap_roles", "set_role", "merge_speakers",
]

_FILL = r"(?:[这那][几两]天|最近|今天|昨天|前天|早上|晚上|夜里|一直|有点儿?|有些|就是|老是|总是|经常|感觉|觉得|还|也|又|从?昨天开始|开始)*"
_SYMPTOM = (r"(?:咳嗽|咳|头疼|头痛|头晕|发烧|发热|烧|心慌|拉肚子|腹泻|恶心|呕吐|吐|疼|痛|难受|不舒服|流鼻涕|鼻塞|没胃口"
            r"|不想吃|睡不[好着]|乏力|没劲|痒|(?:嗓子|喉咙|肚子|胃|胸口?|腰|腿|背|膝盖|牙|耳朵|眼睛)"
            r"(?:有点儿?|很|一直|特别|也|老是)?(?:疼|痛|痒|难受|不舒服|肿)?)")
_EN_SYMPTOM = r"(?:cough\w*|fever|pain|headache|sore throat|vomit\w*|sick|throwing up|diarrh\w*|rash|dizz\w*|nause\w*)"

# Category label -> regular expressions, matched on NFKC-normalised, lower-cased text.
DOCTOR_CUES: dict[str, tuple[str, ...]] = {
    "asks about symptoms": (
        "哪里不舒服", "哪儿不舒服", "怎么不舒服", "怎么了", "多长时间了", "多久了", "几天了", "有没有", "发烧吗", "疼不疼",
        "痛不痛", "什么时候开始", "吃过什么药", "过敏吗", r"\bwhat brings you\b", r"\bhow long\b",
        r"\bany (?:fever|pain|cough|chills|allergies|nausea|vomiting|other symptoms?|medications?)\b",
        r"\bdo you (?:have|feel|take|smoke)\b", r"\bhave you (?:had|been|taken|noticed|tried)\b",
        r"\bwhen did (?:it|this|the \w+) start\b", r"\bwhere does it hurt\b", r"\bdoes it hurt\b"),
    "examines": (
        "我听一下", "听一下", "张嘴", "张开嘴", "深呼吸", "量个血压", "量一下", "躺下", "衣服撩起来", "看一下喉咙", "我看看",
        r"\blet me (?:listen|check|examine|take a look|have a look)\b", r"\btake a deep breath\b",
        r"\bopen your mouth\b", r"\bsay ah\b", r"\blie down\b", r"\bblood pressure\b"),
    "prescribes or advises": (
        "开点药", "开个药", "开些药", "我给你开", "一天三次", "一天两次", "一日三次", "一天一次", "复诊", "注意休息", "多喝水",
        "化验", "验个血", "血常规", "检查一下", "拍个片", r"\bi'll prescribe\b", r"\bi(?:'m| am) going to prescribe\b",
        r"\b(?:once|twice|three times) a day\b", r"\bfollow[- ]up\b", r"\bcome back\b", r"\bblood test\b",
        r"\bx-ray\b", r"\bget some rest\b"),
    "receives the patient": ("请坐", r"\bhave a seat\b", r"\bplease sit down\b", r"\bwhat can i do for you\b"),
}
PATIENT_CUES: dict[str, tuple[str, ...]] = {
    "reports own symptoms": (
        rf"我{_FILL}{_SYMPTOM}", r"我[这那][几两]天", r"\bi(?:'ve| have) been\b",
        rf"\bi have (?:a |an |had )?{_EN_SYMPTOM}", r"\bmy \w+(?: \w+)? (?:hurts?|aches?|is (?:sore|itchy|swollen))\b",
        r"\bi (?:feel|felt) (?:sick|dizzy|tired|weak|nauseous|hot|cold|unwell|bad|terrible)\b",
        r"\bi (?:can't|cannot) (?:sleep|breathe|eat)\b", r"\bit hurts\b"),
    "answers": (r"^(?:没有|有的|有|是的|是|对的|对|嗯|不是|不疼|还好)(?=$|[,.!?;~\s。、]|啊|呀|吧|的|一点|点)",
                r"^(?:yes|yeah|yep|no|nope|not really)\b"),
    "addresses the doctor": ("医生", "大夫", r"\bdoctor\b"),
}
COMPANION_CUES: tuple[str, ...] = (
    rf"(?:(?<![其吉])他|她|孩子|宝宝|小孩|儿子|女儿|闺女|我妈妈?|我爸爸?|我母亲|我父亲|老人家?|我老公|我爱人|我老婆|我奶奶|我爷爷)"
    rf"{_FILL}{_SYMPTOM}",
    rf"\b(?:he|she|my (?:son|daughter|mother|mom|mum|father|dad|husband|wife|child|kid|baby))"
    rf"(?:'s| has| had| was| is| keeps| started)\b[^.?!]{{0,30}}?\b{_EN_SYMPTOM}",
)
_GREETING = re.compile(r"^(?:你好|您好|hello|hi|good (?:morning|afternoon))")
_ADDRESSES_DOCTOR = re.compile(r"医生|大夫|\bdoctor\b")


def _compile(cues: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    return {label: re.compile("|".join(f"(?:{p})" for p in patterns)) for label, patterns in cues.items()}


_DOCTOR = _compile(DOCTOR_CUES)
_PATIENT = _compile(PATIENT_CUES)
_COMPANION = re.compile("|".join(f"(?:{p})" for p in COMPANION_CUES))


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").strip()


@dataclass
class _Evidence:
    """Cues found in one speaker's utterances."""

    first: int
    doctor: dict[str, list[str]] = field(default_factory=dict)
    patient: dict[str, list[str]] = field(default_factory=dict)
    companion: list[str] = field(default_factory=list)
    talk: float = 0.0
    questions: int = 0

    @property
    def d(self) -> int:
        return sum(map(len, self.doctor.values()))

    @property
    def p(self) -> int:
        return sum(map(len, self.patient.values()))

    @property
    def own_symptoms(self) -> int:
        return len(self.patient.get("reports own symptoms", []))

    @property
    def companion_like(self) -> bool:
        return len(self.companion) > self.own_symptoms


def _gather(utterances: Sequence[Utterance]) -> dict[str, _Evidence]:
    found: dict[str, _Evidence] = {}
    for n, u in enumerate(utterances):
        ev = found.setdefault(u.speaker, _Evidence(first=n))
        text = _normalize(u.text)
        ev.talk += max(0.0, u.end - u.start)
        ev.questions += text.count("?") + text.count("吗")
        for cues, into in ((_DOCTOR, ev.doctor), (_PATIENT, ev.patient)):
            for label, pattern in cues.items():
                hits = [m.group(0) for m in pattern.finditer(text)]
                if hits:
                    into.setdefault(label, []).extend(hits)
        ev.companion.extend(m.group(0) for m in _COMPANION.finditer(text))
        if n == 0 and _GREETING.match(text) and not _ADDRESSES_DOCTOR.search(text):
            ev.doctor.setdefault("greets first", []).append(_GREETING.match(text).group(0))
    return found


def _quote(hits: Mapping[str, list[str]]) -> str:
    parts = []
    for label, found in hits.items():
        if found:
            parts.append(f"{label} (" + ", ".join(f'"{q}"' for q in list(dict.fromkeys(found))[:3]) + ")")
    return "; ".join(parts)


def _single(speaker: str, ev: _Evidence) -> RoleAssignment:
    if ev.d > ev.p + len(ev.companion):
        return RoleAssignment(speaker, "doctor", 0.6, "only one speaker; " + _quote(ev.doctor))
    if ev.companion_like and len(ev.companion) > ev.d:
        return RoleAssignment(speaker, "other", 0.5, "only one speaker; " + _quote({"reports someone else's "
                                                                                     "symptoms": ev.companion}))
    if ev.p > ev.d:
        return RoleAssignment(speaker, "patient", 0.6, "only one speaker; " + _quote(ev.patient))
    return RoleAssignment(speaker, "doctor", 0.4, "only one speaker; no clear cues (assumed the doctor dictating)")


def _pick_doctor(found: dict[str, _Evidence]) -> RoleAssignment:
    def net(s: str) -> int:
        return found[s].d - found[s].p - len(found[s].companion)

    ranked = sorted(found, key=lambda s: (-net(s), -found[s].questions, found[s].first))
    top, runner = ranked[0], ranked[1]
    if found[top].d == 0:
        why = ("the others sound more like patients" if net(top) > net(runner)
               else "asks the most questions" if found[top].questions > found[runner].questions else "spoke first")
        reason = "no clear doctor cues; " + why
        return RoleAssignment(top, "doctor", 0.4, reason)
    margin = net(top) - net(runner)
    confidence = min(0.95, 0.5 + 0.45 * margin / (margin + 2))
    return RoleAssignment(top, "doctor", round(confidence, 3), _quote(found[top].doctor))


def infer_roles(utterances: Sequence[Utterance], *, doctor: RoleAssignment | None = None) -> tuple[RoleAssignment, ...]:
    """Assign roles from dialogue cues.

    The speaker with the highest doctor score (doctor cues minus patient and companion cues) is the doctor, with a
    confidence from the margin over the runner-up. Among the others, a speaker who reports someone else's symptoms
    more than their own (孩子昨天开始发烧) is a companion (``other``); of the rest, the patient is the one with the most
    patient cues, then the most exchanges with the doctor, then the most speech; any further speaker is ``other``.
    With one speaker only, doctor or patient is decided by the cues and the reason says so.

    Args:
        utterances: The visit's utterances in time order (their ``role`` is ignored).
        doctor: A doctor already known (e.g. by enrolled voice); kept as given, and the others decided around it.

    Returns:
        One assignment per speaker, in order of first appearance (a given doctor without utterances comes last);
        empty when there is no utterance and no doctor.
    """
    found = _gather(utterances)
    if doctor is None:
        if not found:
            return ()
        if len(found) == 1:
            return (_single(*next(iter(found.items()))),)
        doctor = _pick_doctor(found)
    exchanges = {s: 0 for s in found}
    for a, b in zip(utterances, utterances[1:]):
        if a.speaker != b.speaker and doctor.speaker in (a.speaker, b.speaker):
            exchanges[b.speaker if a.speaker == doctor.speaker else a.speaker] += 1
    rest = [s for s in found if s != doctor.speaker]
    candidates = sorted((s for s in rest if not found[s].companion_like),
                        key=lambda s: (-found[s].p, -exchanges[s], -found[s].talk, found[s].first))
    decided = {doctor.speaker: doctor}
    if candidates:
        patient, ev = candidates[0], found[candidates[0]]
        if ev.p:
            decided[patient] = RoleAssignment(patient, "patient", round(min(0.9, 0.55 + 0.1 * ev.p), 3),
                                              _quote(ev.patient))
        else:
            reason = f"talks most with the doctor ({exchanges[patient]} exchanges, {ev.talk:.0f} s)"
            decided[patient] = RoleAssignment(patient, "patient", 0.5, reason)
    for s in rest:
        if s in decided:
            continue
        if found[s].companion_like:
            decided[s] = RoleAssignment(s, "other", 0.7, "companion: " + _quote({"reports someone else's symptoms":
                                                                                found[s].companion}))
        else:
            decided[s] = RoleAssignment(s, "other", 0.5, "further speaker (companion or other)")
    order = list(found) + ([doctor.speaker] if doctor.speaker not in found else [])
    return tuple(decided[s] for s in order)


def assign_roles(
    utterances: Sequence[Utterance],
    centroids: Mapping[str, Sequence[float]],
    profiles: Sequence[VoiceProfile],
    threshold: float = DEFAULT_MATCH_THRESHOLD,
    *,
    model: str | None = None,
) -> tuple[RoleAssignment, ...]:
    """Roles for a visit: the speaker matching an enrolled doctor's voice is the doctor, the others by cues.

    Args:
        utterances: The visit's utterances in time order.
        centroids: Mean embedding per speaker label (may be empty).
        profiles: Enrolled doctors (may be empty).
        threshold: Least cosine similarity for a voice match (see :func:`~diarization.enrollment.calibrate_threshold`).
        model: Embedding model of the centroids; profiles of another model are skipped when given.

    Returns:
        One assignment per speaker, as :func:`infer_roles`.
    """
    matched = match_enrolled(centroids, profiles, threshold, model=model) if centroids and profiles else None
    return infer_roles(utterances, doctor=matched)
