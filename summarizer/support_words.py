"""The wording of a sentence and of utterances, for matching that does not need the vocabulary: content units
(English content-word stems, Chinese character pairs) for lexical grounding, and keys for compound terms said in
other words (``elbow pain`` as "my elbow hurts", ``腰痛`` as "腰有点疼").
"""

from __future__ import annotations

import os
import re

from summarizer.support_text import singular

__all__ = ["content_units", "record_units", "word_keys", "keys_near", "loose_span", "stem_span", "compound_key",
           "flexible_pattern"]

_EN_STOP = frozenset("""
a an the and or but if of to in on at by for with from as is are was were be been being has have had having do does
did not no nor this that these those it its he she his her him they them their we our you your i me my mine us
will would should could can may might shall must also still just very really so than then there here which who whom
what when where why how all any some each other such only own same too more most much many few about into over
under again further once up down out off through during before after above below between both either neither
patient patients pt reports reported reporting states stated notes noted denies denied deny endorses endorsed
presents presented presenting complains complaint complaints history significant past medical today currently
current recent recently time times well good doing feels feel felt felt experiencing experienced experiences
plan assessment reasoning treatment testing additional education counseling recommended recommend advised discussed
continue continued follow followup up return returns instructed agreed agrees understand understands agrees
also mr mrs ms dr year old male female man woman who presents presenting here visit evaluation evaluate
""".split())


# Record-style words that a conversation rarely says (dropped before Chinese wording is compared).
_ZH_RECORD_WORDS = re.compile(
    "患者|患儿|家属|表示|理解|同意|知情|告知|嘱|建议|医嘱|病史|既往|诊断|治疗|方案|处理|情况|目前|现|予以|给予|"
    "定期|门诊|随诊|复诊|随访|明显|一般|良好|正常|未见|异常|其余|余|如常|暂无|暂缺|不详|详见|签字|病情|配合|"
    "注意|观察|监测|必要时|进一步|完善|相关|检查|评估|考虑|可能|予|及|等|之|其")


def content_units(text: str, language: str) -> list[str]:
    """Units of wording for lexical grounding: Chinese character bigrams, English content-word stems."""
    if language.startswith("zh"):
        chars = re.findall(r"[\u4e00-\u9fff]+", text)
        return [run[i:i + 2] for run in chars for i in range(len(run) - 1)]
    return [_stem(w) for w in re.findall(r"[a-z]+", text) if len(w) > 2 and w not in _EN_STOP]


def record_units(text: str, language: str) -> set[str]:
    """The wording units of a sentence that belong to record-style words (``患者``, ``表示理解``, ``建议``), which a
    conversation need not say; English record words are already left out of :func:`content_units`."""
    if not language.startswith("zh"):
        return set()
    out = set()
    for m in _ZH_RECORD_WORDS.finditer(text):
        word = m.group(0)
        out.update(word[i:i + 2] for i in range(len(word) - 1))
        if m.end() < len(text):
            out.add(text[m.end() - 1:m.end() + 1])  # the pair across the word's end
        if m.start() > 0:
            out.add(text[m.start() - 1:m.start() + 1])
    return out


def _stem(word: str) -> str:
    """A crude English stem: plural and -ing/-ed endings dropped, then the first six letters (``respirations`` and
    ``respiratory`` meet)."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    return word[:6]


# Words that say the same part of a compound term (English), by class.
_EN_EQUIVALENTS = {
    "pain": "pain hurt hurts hurting ache aches aching achy sore soreness painful tender discomfort bothering",
    "swelling": "swelling swollen swell swells edema fluid puffy",
    "loss": "loss lost lose losing",
    "gain": "gain gained gaining",
    "clear": "clear good fine normal",
    "lung": "lung lungs breath breathing",
    "leg": "leg legs ankle ankles feet foot extremity extremities calf calves",
    "abdomen": "abdomen abdominal belly stomach tummy",
    "weight": "weight pounds",
    "urine": "urine urinate urinating urination pee peeing",
    "stool": "stool stools bowel bowels poop",
    "blood": "blood bloody bleeding",
}
_EN_CLASS = {w: k for k, words in _EN_EQUIVALENTS.items() for w in words.split()}
_EN_KEY_STOP = frozenset("the my his her your of in on are is was and a an with to at".split())
_ZH_PAIN = re.compile(r"(?:痛|疼|不舒服|酸)$")


def word_keys(text: str, language: str) -> tuple[str, ...]:
    """The words of a text, in order, reduced to the keys compound terms are matched on (English: singular words,
    equivalent words to one class; Chinese: characters, pain words to ``痛``)."""
    if language.startswith("zh"):
        return tuple("痛" if c in "痛疼酸" else c for c in re.findall(r"[\u4e00-\u9fff]", text.replace("不舒服", "痛")))
    return tuple(_END if w in _ENDS else _EN_CLASS.get(w) or _EN_CLASS.get(singular(w)) or singular(w)
                 for w in re.findall(r"[a-z]+|[.?!;]", text))


# A sentence end among English keys: the parts of a compound term are looked for within one sentence ("update pe
# abdomen. no flank pain" does not say abdominal pain). Chinese fragments run across a full stop (有胃炎。上腹部疼).
_END = "|"
_ENDS = set(".?!;")


def keys_near(keys: tuple[str, ...], wanted: frozenset[str], window: int) -> bool:
    """Whether every wanted key occurs within ``window`` consecutive keys."""
    if not wanted <= set(keys):
        return False
    positions = [i for i, k in enumerate(keys) if k in wanted or k == _END]
    for i, start in enumerate(positions):
        seen = set()
        for p in positions[i:]:
            if p - start >= window or keys[p] == _END:
                break
            seen.add(keys[p])
            if seen == wanted:
                return True
    return False


def loose_span(text: str, wanted: frozenset[str], language: str, window: int) -> tuple[int, int] | None:
    """Where the keys of a compound term occur close together in a text: (start, end) offsets, or None."""
    if language.startswith("zh"):
        tokens = [(m.start(), m.end(), "痛" if m.group(0) in "痛疼酸" else m.group(0))
                  for m in re.finditer(r"[\u4e00-\u9fff]", text)]
    else:
        tokens = [(m.start(), m.end(), _END if m.group(0) in _ENDS else _EN_CLASS.get(m.group(0))
                   or _EN_CLASS.get(singular(m.group(0))) or singular(m.group(0)))
                  for m in re.finditer(r"[a-z]+|[.?!;]", text)]
    for i, (start, _, key) in enumerate(tokens):
        if key not in wanted:
            continue
        seen, last = set(), start
        for s, e, k in tokens[i:i + window]:
            if k == _END:
                break
            if k in wanted:
                seen.add(k)
                last = e
            if seen == wanted:
                return start, last
    return None


def stem_span(text: str, words: set[str]) -> tuple[int, int] | None:
    """Where the first English word that is another form of one of ``words`` occurs (same stem, and a common
    start all but three letters long: ``palpitating`` for ``palpitations``, not ``constitutional`` for
    ``constipation``), or None."""
    stems = {_stem(w): w for w in words}
    for m in re.finditer(r"[a-z]+", text):
        word = m.group(0)
        name = stems.get(_stem(word)) if len(word) > 4 else None
        if name is not None and len(os.path.commonprefix([word, name])) >= min(len(word), len(name)) - 3:
            return m.start(), m.end()
    return None


def compound_key(name: str, language: str) -> frozenset[str] | None:
    """The keys a compound term needs in one utterance (``knee pain`` → {knee, pain}; ``膝痛`` → {膝, 痛}), or None
    for a single word."""
    if language.startswith("zh"):
        if not _ZH_PAIN.search(name) or len(name) < 2:
            return None
        stem = _ZH_PAIN.sub("", name)
        return frozenset(set(stem) | {"痛"}) if stem else None
    words = [w for w in re.findall(r"[a-z]+", name.lower()) if w not in _EN_KEY_STOP]
    if len(words) < 2:
        return None
    return frozenset(_EN_CLASS.get(w) or _EN_CLASS.get(singular(w)) or singular(w) for w in words)


# Degree and frequency words a Chinese speaker puts inside a term (血脂很高, 嘴唇轻度发紫, 睡眠真的不是太好); none of
# them negates, so a term said with them keeps its meaning.
_ZH_DEGREE = (r"(?:真的|确实|非常|特别|比较|有点|有些|有一点|一点|轻度|轻微|稍微|稍|略|很|太|挺|是|也|都|还|老|总|一直|"
              r"经常|明显|越来越|更|偏|看起来|看着)")


def flexible_pattern(name: str, language: str) -> re.Pattern | None:
    """A pattern for a Chinese term of three characters or more said with degree words inside it (``血脂高``:
    "血脂很高"; ``嘴唇发紫``: "嘴唇轻度发紫"), or None (English, short or non-Chinese names)."""
    if not language.startswith("zh") or len(name) < 3 or not re.fullmatch(r"[\u4e00-\u9fff]+", name):
        return None
    return re.compile(f"{_ZH_DEGREE}{{0,2}}".join(re.escape(c) for c in name))
