"""What a record sentence claims, read without a model: clinical terms with their polarity, sides of the body,
drug-like names outside the vocabulary (wording for sentences with nothing clinical in them is in
:mod:`summarizer.support_words`).

Record sentences are written in third person and in note style (``否认糖尿病``, ``无胸痛、气喘``, ``Denies fevers,
chills, or weight loss.``, ``Endorses cough.``), so polarity is read here from the nearest cue before a term in its
clause (a negation, a hedge or if-clause, or a cue that states presence), not from the conversation rules of
:mod:`summarizer.fact_scan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.fact_rules import EN_ASKS, EN_LEAD, EN_SHORT_QUESTION
from summarizer.fact_scan import normalize_text
from summarizer.vocab import Vocabulary

__all__ = ["POLAR_KINDS", "GENERIC_DRUGS", "TermClaim", "SideClaim", "term_claims", "side_mentions", "druglike_names",
           "normalize", "polarity_at", "singular"]

# Kinds whose presence or absence the record asserts (a drug or a test is only checked for being mentioned).
POLAR_KINDS = ("symptom", "condition", "finding", "habit", "allergy")

_EN_CUES = re.compile(
    r"(?P<hedge>\b(?:not sure|unsure|unclear|possible|possibly|probable|probably|likely|unlikely|suspect|suspected|"
    r"suspicious for|concern for|concerned about|worried about|question of|questionable|rule out|r/o|differential|"
    r"versus|vs|may|might|could|if|unless|in case|return if|monitor for|watch for|risk of|prevent|avoid|whether|"
    r"consider|considering|would|should)\b)"
    r"|(?P<neg>\b(?:no evidence of|no signs? of|no symptoms of|no history of|negative for|free of|absence of|"
    r"ruled out|denies|denied|deny|denying|no|not|never|without|nor|none|neither|resolved)\b|n't\b)"
    r"|(?P<pos>\b(?:reports|reported|reporting|endorses|endorsed|endorsing|complains|complained|complaining|admits|"
    r"notes|noted|presents|presented|has|had|have|having|positive for|experiencing|experienced|experiences|states|"
    r"stated|describes|described|developed|exhibits|shows|showed|demonstrates|demonstrated|reveals|revealed|"
    r"continues|continued|due to|because of|secondary to|caused by|diagnosed with|history of|is|are|was|were)\b)")
_EN_BREAK = re.compile(r"[.;:!?()]|\b(?:but|however|although|though|whereas|except|other than|aside from|apart from)\b")
_EN_POST_NEG = re.compile(r"^\s*(?:is|was|were|are|has been|have been)?\s*(?:negative|absent|ruled out|resolved)\b|"
                          # a heading and its value: "Tobacco use: non-smoker.", "Alcohol: denies.", "Rash: none."
                          r"^\s*(?:use|history|status|exposure)?\s*:\s*(?:none|no|never|denies|denied|negative|"
                          r"non-?[a-z]+)\b")

_ZH_CUES = re.compile(
    r"(?P<hedge>不除外|不排除|考虑|可能|疑似|怀疑|待查|待排|是否|警惕|注意|预防|避免|以防|如果|如|若|必要时|一旦|可疑|"
    r"家族史|父亲|母亲|父母|爷爷|奶奶|外公|外婆|哥哥|姐姐|弟弟|妹妹|风险|并发症|副作用)"
    r"|(?P<neg>否认有|否认|没有|未有|没|无|未见|未闻及|未触及|未及|未诉|未|非|排除|不伴|不)"
    r"|(?P<pos>伴有|伴|有|出现|诉|可见|见|可闻及|闻及|触及|存在|患有|患|感|偶有|时有|仍有|诊断为|诊断|确诊|提示)")
_ZH_BREAK = re.compile(r"[。；;，,：:！？!?（）()]|但|但是|然而|就是|只是|不过|可是|而是")
_ZH_WARNING = re.compile(r"(?:时|的话)[,，]?(?:请|应|需)?(?:立即|及时|马上|尽快|随时)?(?:来|到|去)?"
                         r"(?:急诊|就诊|就医|随诊|复诊|来院|返院|医院)")
_EN_WARNING = re.compile(r"\b(?:should prompt|warrants? (?:a )?(?:return|visit)|are warning signs)\b")
_ALLERGY = {True: re.compile(r"过敏"), False: re.compile(r"\ballerg")}
_ZH_POST = re.compile(r"^\s*(?P<neg>阴性|\(-\)|（-）|（−）|未见异常|不明显|消失|已缓解|无)|^\s*(?P<pos>阳性|\(\+\)|（\+）)")

_EN_PARTS = (r"knees?|ankles?|foot|feet|legs?|arms?|hands?|wrists?|elbows?|shoulders?|hips?|eyes?|ears?|lungs?|"
             r"bases?|lobes?|breasts?|kidneys?|flanks?|side|sides|chest|extremit(?:y|ies)|thighs?|calf|calves|toes?|"
             r"fingers?|thumbs?|heels?|groin|temples?|jaw|neck|back|buttocks?|quadrant|ovary|ovaries|testicles?|"
             r"tonsils?|ventricle|atrium|carotids?|femoral|forearms?|shins?|hamstrings?|quads?|quadriceps|glutes?|"
             r"ribs?|clavicle|scapula|hand|palm|nostril|nares|tympanic membranes?|maxillary|frontal|sinus(?:es)?|"
             r"paraspinal|lumbar|cervical|achilles|patella|meniscus|acl|mcl|rotator cuff|trapezius|sciatic")
_EN_SIDE = re.compile(
    rf"\b(?P<side>left|right|bilateral|bilaterally|both)\b(?:[\s-]+(?:sided|side|lower|upper|middle|greater|big|"
    rf"index|ring|little|middle|anterior|posterior|medial|lateral|proximal|distal|inner|outer|front|of the|of his|"
    rf"of her|of my|of your))*[\s-]+(?P<part>{_EN_PARTS})\b|\b(?P<part2>{_EN_PARTS})\s+(?P<side2>bilaterally)\b|"
    rf"\bon (?:the|his|her|my|your) (?P<side3>left|right)\b|\b(?P<side4>left|right)[\s-]+sided\b")
_ZH_PARTS = (r"肺|下肢|上肢|膝关节|膝|踝|足|脚|手|腕|肘|肩|髋|腿|大腿|小腿|臂|眼|耳|乳腺|乳房|乳|肾|腹|胸|颈|腰|"
             r"扁桃体|腹股沟|颞|额|面|臀|睾丸|卵巢|输尿管|鼻|肋|侧|边")
_ZH_SIDE = re.compile(rf"(?P<side>左|右|双|两)(?:侧|边)?(?:上|中|下|前|后)?(?P<part>{_ZH_PARTS})")
_EN_SIDE_NAMES = {"left": "left", "right": "right", "bilateral": "bilateral", "bilaterally": "bilateral",
                  "both": "bilateral"}
_ZH_SIDE_NAMES = {"左": "左", "右": "右", "双": "双", "两": "双"}

_EN_DRUG_SUFFIX = re.compile(
    r"\b[a-z]{2,}(?:pril|sartan|olol|dipine|statin|formin|gliptin|gliflozin|glutide|prazole|tidine|cillin|mycin|"
    r"micin|floxacin|cycline|conazole|azole|vir|mab|tinib|oxetine|oxamine|pramine|triptyline|triptan|profen|"
    r"codone|morphone|azepam|azolam|barbital|semide|thiazide|tiazide|sone|olone|asone|parin|xaban|gatran|"
    r"afil|osin|terol|tropium|lukast|cetin|dronate|zepam|pine|done|tadine|tizine|amine|caine|mide)\b")
_ZH_DRUG = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:霉素|西林|沙星|头孢\S?|地平|普利|沙坦|洛尔|他汀|双胍|格列\S|唑|"
                      r"颗粒|口服液|胶囊|糖浆|注射液|混悬液|滴剂|喷雾剂|软膏|乳膏|栓|片|散|丸|膏)")
_ZH_NOT_DRUG = re.compile(r"胸片|拍片|照片|图片|切片|片子|X光|光片|平片|做|查|检|一片|半片|两片|几片|药片|散步|散在|扩散|"
                          r"分散|发散|消散|打散|药膏|牙膏")
# Drug classes: said when any drug is named (the visit may name the drug, the record its class).
GENERIC_DRUGS = frozenset({
    "降压药", "降糖药", "抗生素", "退烧药", "止咳药", "感冒药", "利尿剂", "他汀", "头孢", "青霉素", "磺胺",
    "antibiotics", "blood pressure medication", "statin", "cephalosporins", "sulfa drugs", "steroids",
    "prednisone", "insulin"})
_ZH_DRUG_LEAD = re.compile(r"^(?:予以|予|给予|口服|服用|服|吃|用|加用|改用|换用|继续|停用|使用|开|配合|建议|可|"
                           r"以及|及|和|或|并|再|先|后|每日|每天)+")

# A tag that turns a statement into a check ("..., okay?", "..., right?"), and the openings of a question that the
# transcript may leave without its question mark ("okay so are you still noticing any blood in your urine").
_EN_TAG = re.compile(r",?\s*\b(?:okay|ok|right|alright|all right|correct|you know|yeah|is that right|does that sound "
                     r"good|sound good)\s*\?\s*$")
_EN_QUESTION_START = re.compile(r"\s*(?:any|do you|did you|have you|are you|is there|how about)\b|"
                                rf"\s*{EN_LEAD}{EN_ASKS}(?=(?:\W+\w+){{0,{EN_SHORT_QUESTION}}}\W*$)")


@dataclass(frozen=True)
class TermClaim:
    """A vocabulary term in a sentence.

    Attributes:
        item: Normalized concept name.
        kind: Vocabulary kind (``symptom``, ``drug``...).
        polarity: ``present``, ``absent`` or ``uncertain`` (hedged, conditional, planned).
        start: Offset in the normalized sentence.
        end: Offset after the term.
        surface: The words as written.
        cue: The cue that set the polarity (``denies``, ``无``) or ``""``.
    """

    item: str
    kind: str
    polarity: str
    start: int
    end: int
    surface: str
    cue: str = ""


@dataclass(frozen=True)
class SideClaim:
    """A side of the body named in a text: ``left``/``right``/``bilateral`` (``左``/``右``/``双``), the body part
    it qualifies (``""`` when none is named), and where."""

    side: str
    part: str
    start: int
    end: int


def normalize(text: str, language: str) -> str:
    """The normalization used everywhere in support checks (:func:`summarizer.fact_scan.normalize_text`)."""
    return normalize_text(text, "zh" if language.startswith("zh") else "en")


def _close(text: str, start: int, end: int, zh: bool) -> bool:
    """Whether a cue follows the previous one at once (``does not have``, ``没有出现``)."""
    gap = text[start:end].strip()
    return len(gap) <= 2 if zh else len(gap.split()) <= 2


def _polarity(text: str, start: int, end: int, zh: bool) -> tuple[str, str]:
    breaks = _ZH_BREAK if zh else _EN_BREAK
    clause_start = max([m.end() for m in breaks.finditer(text, 0, start)], default=0)
    cues = list((_ZH_CUES if zh else _EN_CUES).finditer(text, clause_start, start))
    if zh:  # 不 only negates what follows it at once (不发热, 不伴咳嗽), not a whole clause
        cues = [c for c in cues if not (c.group(0) == "不" and start - c.end() > 1)]
    post = _ZH_POST.match(text[end:]) if zh else _EN_POST_NEG.match(text[end:])
    if post and (not zh or post.group("neg")):
        return "absent", post.group(0).strip()
    if zh and post and post.group("pos"):
        return "present", post.group(0).strip()
    hedge = next((c for c in cues if c.lastgroup == "hedge"), None)
    if hedge is not None:
        return "uncertain", hedge.group(0)
    warning = (_ZH_WARNING if zh else _EN_WARNING).search(text, end)
    if warning is not None:  # 体温超过39℃或呼吸困难时立即急诊: a condition, not a finding
        return "uncertain", warning.group(0)
    state, cue, previous = "present", "", None
    for c in cues:
        if c.lastgroup == "pos" and previous is not None and previous.lastgroup == "neg" and \
                _close(text, previous.end(), c.start(), zh):
            continue  # the negation holds over the verb that follows it
        state, cue, previous = ("absent" if c.lastgroup == "neg" else "present"), c.group(0), c
    return state, cue


def term_claims(text: str, language: str, vocab: Vocabulary) -> list[TermClaim]:
    """The vocabulary terms of a record sentence with their polarity.

    Args:
        text: The sentence, normalized with :func:`normalize`.
        language: ``zh`` or ``en``.
        vocab: The vocabulary of the language.

    Returns:
        One claim per term (``stop`` phrases dropped), in text order.
    """
    zh = language.startswith("zh")
    allergy_words = bool(_ALLERGY[zh].search(text))
    out = []
    for match in vocab.scan(text):
        term = match.term
        if term.kind == "stop" or (term.kind == "allergen" and not allergy_words):
            continue  # "medications", "food" are allergens only next to an allergy word
        kind = "allergy" if term.kind == "allergen" else term.kind
        if term.absent:
            polarity, cue = "absent", match.surface
        else:
            polarity, cue = _polarity(text, match.start, match.end, zh)
        out.append(TermClaim(term.item, kind, polarity, match.start, match.end, match.surface, cue))
    return out


def side_mentions(text: str, language: str) -> list[SideClaim]:
    """Sides of the body named in a normalized text, each with the body part it qualifies when one is named."""
    out = []
    if language.startswith("zh"):
        for m in _ZH_SIDE.finditer(text):
            part = m.group("part")
            out.append(SideClaim(_ZH_SIDE_NAMES[m.group("side")], "" if part in ("侧", "边") else part,
                                 m.start(), m.end()))
        return out
    for m in _EN_SIDE.finditer(text):
        side = m.group("side") or m.group("side2") or m.group("side3") or m.group("side4")
        part = m.group("part") or m.group("part2") or ""
        part = "" if part in ("side", "sides") else singular(part)
        start = m.start("side2") if m.group("side2") else m.start()
        out.append(SideClaim(_EN_SIDE_NAMES[side], part, start, m.end()))
    return out


def singular(word: str) -> str:
    """``knees`` → ``knee``, ``feet`` → ``foot``."""
    irregular = {"feet": "foot", "calves": "calf", "extremities": "extremity", "ovaries": "ovary"}
    if word in irregular:
        return irregular[word]
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "us")) and len(word) > 3 else word


def druglike_names(text: str, language: str) -> list[tuple[str, int, int]]:
    """Words shaped like drug names (``-pril``, ``-sartan``, ``…霉素``, ``…颗粒``): (name, start, end)."""
    if language.startswith("zh"):
        out = []
        for m in _ZH_DRUG.finditer(text):
            lead = _ZH_DRUG_LEAD.match(m.group(0))
            start = m.start() + (lead.end() if lead else 0)
            name = text[start:m.end()]
            if m.end() - start >= 2 and not _ZH_NOT_DRUG.search(name):
                out.append((name, start, m.end()))
        return out
    return [(m.group(0), m.start(), m.end()) for m in _EN_DRUG_SUFFIX.finditer(text)]


def polarity_at(text: str, start: int, end: int, language: str, role: str = "") -> str:
    """Whether a conversation states what lies at ``[start, end)`` as ``present``, ``absent`` or only ``asked``
    (its sentence is a question) or ``uncertain`` (hedged, conditional). A Chinese question of the patient's asks
    only in its own clause (精神头还挺好，就是不吃饭，还用去住院吗: the first clause states)."""
    zh = language.startswith("zh")
    stops = [m.end() for m in re.finditer(r"[.!?;。！？；\n]", text[:start])]
    sentence_end = re.search(r"[.!?;。！？；\n]|$", text[end:])
    sentence = text[max(stops, default=0):end + sentence_end.end()]
    if zh and role in ("patient", "other"):
        clause_start = max([m.end() for m in re.finditer(r"[,，]", text[:start])] + [max(stops, default=0)])
        comma = re.search(r"[,，]", text[end:end + sentence_end.end()])
        sentence = text[clause_start:end + (comma.start() if comma else sentence_end.end())]
    if not zh:  # "your lungs are nice and clear, okay?" states; only its tag asks
        sentence = _EN_TAG.sub("", sentence)
    if "?" in sentence or "？" in sentence or (zh and re.search(r"吗|有没有|是否|有无|是不是|会不会", sentence)) or \
            (not zh and _EN_QUESTION_START.match(sentence)):
        return "asked"
    return _polarity(text, start, end, zh)[0]


