"""Drug classes for allergy conflicts, and reading allergy statements and drug names out of record text.

The class table (:data:`DRUG_CLASSES`) is deliberately small and covers the conflicts an outpatient clinic meets
most. A prescribed drug is compared with each allergen the record states:

- the same drug (阿莫西林 vs 阿莫西林过敏): conflict, an error;
- the same class: penicillins (青霉素, 阿莫西林, 氨苄西林… / ``*cillin``), cephalosporins (头孢…, ``cef*``,
  ``ceph*``), sulfonamides (磺胺, 复方磺胺甲噁唑 / sulfa, Bactrim), fluoroquinolones (…沙星 / ``*floxacin``),
  macrolides (阿奇霉素, 克拉霉素, 红霉素, 罗红霉素): conflict, an error;
- NSAIDs among themselves (阿司匹林 vs 布洛芬): cross-reactivity, a warning (not every patient reacts);
- penicillin ↔ cephalosporin (:data:`CROSS_REACTIVE`; about 1–2 % cross-reactivity): a warning asking to confirm.

Drug names are the vocabulary's drugs (``resources/vocab``) plus the table's members; a name outside both is not
seen. Generic allergens (药物, 食物, "drug") never conflict with a particular drug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.qc_common import clauses
from summarizer.vocab import Term, Vocabulary, load_vocabulary

__all__ = ["DRUG_CLASSES", "CROSS_REACTIVE", "Allergen", "AllergyClause", "drug_class", "relation", "find_drugs",
           "read_allergies"]

# class → (zh label, en label, same-class relation, zh members, en members)
DRUG_CLASSES: dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "penicillin": ("青霉素类", "penicillins", "conflict",
                   ("青霉素", "青霉素类", "阿莫西林", "阿莫仙", "氨苄西林", "哌拉西林", "苯唑西林", "氯唑西林", "阿洛西林",
                    "美洛西林", "替卡西林", "苄星青霉素", "阿莫西林克拉维酸钾", "氨苄西林舒巴坦", "哌拉西林他唑巴坦"),
                   ("penicillin", "penicillins", "amoxicillin", "amoxil", "ampicillin", "piperacillin", "oxacillin",
                    "dicloxacillin", "nafcillin", "augmentin", "amoxicillin-clavulanate", "co-amoxiclav")),
    "cephalosporin": ("头孢菌素类", "cephalosporins", "conflict",
                      ("头孢", "头孢类", "头孢菌素", "头孢呋辛", "头孢克肟", "头孢曲松", "头孢氨苄", "头孢拉定", "头孢唑林",
                       "头孢地尼", "头孢克洛", "头孢丙烯", "头孢哌酮", "头孢他啶", "头孢噻肟", "头孢吡肟", "头孢泊肟"),
                      ("cephalosporin", "cephalosporins", "cephalexin", "cefuroxime", "ceftriaxone", "cefixime",
                       "cefazolin", "cefdinir", "cefaclor", "cefprozil", "cefepime", "ceftazidime", "cefotaxime",
                       "cefpodoxime")),
    "sulfonamide": ("磺胺类", "sulfonamides", "conflict",
                    ("磺胺", "磺胺类", "复方磺胺甲噁唑", "磺胺甲噁唑", "复方新诺明"),
                    ("sulfa", "sulfa drugs", "sulfonamide", "sulfamethoxazole", "trimethoprim-sulfamethoxazole",
                     "bactrim", "co-trimoxazole")),
    "quinolone": ("喹诺酮类", "fluoroquinolones", "conflict",
                  ("左氧氟沙星", "左氧", "莫西沙星", "环丙沙星", "诺氟沙星", "氧氟沙星"),
                  ("levofloxacin", "moxifloxacin", "ciprofloxacin", "ofloxacin", "norfloxacin", "fluoroquinolone")),
    "macrolide": ("大环内酯类", "macrolides", "conflict",
                  ("阿奇霉素", "希舒美", "克拉霉素", "红霉素", "罗红霉素"),
                  ("azithromycin", "clarithromycin", "erythromycin")),
    "nsaid": ("非甾体抗炎药", "NSAIDs", "cross",
              ("阿司匹林", "布洛芬", "芬必得", "美林", "双氯芬酸", "萘普生", "洛索洛芬", "吲哚美辛", "美洛昔康", "塞来昔布"),
              ("aspirin", "ibuprofen", "advil", "motrin", "naproxen", "diclofenac", "indomethacin", "meloxicam",
               "celecoxib", "ketorolac", "nsaid", "nsaids")),
}
CROSS_REACTIVE = {frozenset({"penicillin", "cephalosporin"})}
_PATTERNS = (("cephalosporin", re.compile(r"^(头孢|cef|ceph)")), ("penicillin", re.compile(r"(西林|cillin)$")),
             ("quinolone", re.compile(r"(沙星|floxacin)$")), ("sulfonamide", re.compile(r"^(磺胺|sulfa)")))
_FOOD = {"食物", "海鲜", "花生", "鸡蛋", "牛奶", "food", "shellfish", "peanuts", "eggs", "milk"}
_GENERIC = {"药物", "食物", "drug", "food"}
_ALLERGY = {"zh": re.compile(r"过敏(?!性)"),
            "en": re.compile(r"\ballerg(?:y|ies)\b|\ballergic to\b|\bnkda\b|\bnka\b", re.I)}
_DENIAL = {"zh": re.compile(r"否认|[无未没][^，。；]*过敏|不过敏"),
           "en": re.compile(r"\bno\b|\bnone\b|\bnkda\b|\bnka\b|\bdenies\b|\bdenied\b|\bnot allergic\b", re.I)}
_BARE_DENIAL = {"zh": re.compile(r"^(?:无|否认|没有|暂无)$"),
                "en": re.compile(r"^(?:none|nil|no|denies|denied|none known)$", re.I)}
_UNKNOWN = {"zh": re.compile(r"不详|不清|不确定|不知道"), "en": re.compile(r"\bunknown\b|\bunsure\b|\bnot sure\b", re.I)}
_OTHERS = {"zh": re.compile(r"其[他它]"), "en": re.compile(r"\bother\b", re.I)}
_CONDITIONAL = {"zh": re.compile(r"如|若|一旦|注意|观察|警惕|者"),
                "en": re.compile(r"\bif\b|\bwatch\b|\bmonitor\b|\bin case\b|\bsigns of\b", re.I)}
_NOT_GIVEN = {"zh": re.compile(r"禁|避免|避用|不能|不可|不宜|忌|停|勿|不用|不要|过敏|皮试"),
              "en": re.compile(r"\bavoid|\bdo not\b|\bdon't\b|\bnot to\b|\bnever\b|\bno\b|\bstop|\bdiscontinu|"
                               r"\bhold\b|allerg|contraindicat|\binstead of\b|\brather than\b", re.I)}


@dataclass(frozen=True)
class Allergen:
    """A substance named in an allergy statement: canonical name, ``drug``/``food``/``other``, generic or not."""

    name: str
    category: str
    generic: bool = False


@dataclass(frozen=True)
class AllergyClause:
    """A clause that states an allergy (``denial`` False) or denies one.

    Attributes:
        sentence_index: Index of the sentence in its section.
        text: The clause.
        denial: The clause denies allergies.
        allergens: Named substances (a denial's are what it denies; none: everything in ``scope``).
        scope: For a denial, the categories it covers (``drug``, ``food``, ``other``).
        others: The denial only covers *other* allergies (否认其他过敏).
    """

    sentence_index: int
    text: str
    denial: bool
    allergens: tuple[Allergen, ...]
    scope: frozenset[str] = frozenset()
    others: bool = False


@lru_cache(maxsize=4)
def _lexicon(language: str) -> Vocabulary:
    base = load_vocabulary(language)
    surfaces = {s: t for s, t in base.surfaces.items() if t.kind in ("drug", "allergen")}
    for *_, zh, en in DRUG_CLASSES.values():
        for member in (zh if language == "zh" else en):
            surfaces.setdefault(member.lower(), Term("drug", member))
    return Vocabulary(language, surfaces)


def drug_class(name: str) -> str | None:
    """The class of a drug name (table membership, else name patterns such as ``头孢…``/``…cillin``), or None."""
    lower = name.lower()
    for cls, (*_, zh, en) in DRUG_CLASSES.items():
        if name in zh or lower in en:
            return cls
    for cls, pattern in _PATTERNS:
        if pattern.search(lower):
            return cls
    return None


def relation(drug: str, allergen: str) -> tuple[str, str | None, str | None]:
    """How a prescribed drug relates to an allergen: ``("conflict"|"cross"|"", drug class, allergen class)``."""
    a, b = drug_class(drug), drug_class(allergen)
    if drug.lower() == allergen.lower():
        return "conflict", a, b
    if a is None or b is None:
        return "", a, b
    if a == b:
        return DRUG_CLASSES[a][2], a, b
    if frozenset({a, b}) in CROSS_REACTIVE:
        return "cross", a, b
    return "", a, b


def _allergens(text: str, language: str) -> tuple[Allergen, ...]:
    out: dict[str, Allergen] = {}
    for match in _lexicon(language).scan(text):
        name = match.term.item
        if match.term.kind == "drug" or name in ("药物", "drug"):
            category = "drug"
        else:
            category = "food" if name in _FOOD else "other"
        out.setdefault(name, Allergen(name, category, name in _GENERIC))
    return tuple(out.values())


def find_drugs(text: str, language: str) -> list[tuple[str, str]]:
    """Drugs a sentence gives, ``(as written, canonical name)``: named in a clause without an avoid/stop/allergy
    cue (禁用, 停用, 皮试, avoid...)."""
    found: dict[str, str] = {}
    for clause in clauses(text, language):
        if _NOT_GIVEN[language].search(clause):
            continue
        for match in _lexicon(language).scan(clause):
            if match.term.kind == "drug":
                found.setdefault(match.term.item, match.surface)
    return [(surface, item) for item, surface in found.items()]


def read_allergies(sentences: list[tuple[int, str]], language: str, *,
                   allergy_section: bool = False) -> list[AllergyClause]:
    """The allergy statements and denials of a section's sentences (``(index, text)``), clause by clause.

    Args:
        sentences: ``(index, text)`` of the section's sentences.
        language: ``zh`` or ``en``.
        allergy_section: The sentences are the 过敏史 section: there a clause needs no "过敏"/"allergy" word (the
            heading says it): ``青霉素（皮疹）`` states an allergy and a bare ``无``/``None`` denies all.
    """
    out = []
    for index, sentence in sentences:
        for clause in clauses(sentence, language):
            if _UNKNOWN[language].search(clause):  # 过敏史不详: neither a statement nor a denial
                continue
            allergens = _allergens(clause, language)
            if not _ALLERGY[language].search(clause):
                if allergy_section and _BARE_DENIAL[language].match(clause):
                    out.append(AllergyClause(index, clause, True, (), frozenset({"drug", "food", "other"})))
                    continue
                if not (allergy_section and allergens and not _DENIAL[language].search(clause)):
                    continue
            if _DENIAL[language].search(clause):
                specific = tuple(a for a in allergens if not a.generic)
                scope = {a.category for a in allergens} or {"drug", "food", "other"}
                if language == "en" and re.search(r"\bnkda\b", clause, re.I):
                    scope = {"drug"}
                out.append(AllergyClause(index, clause, True, specific, frozenset(scope),
                                         bool(_OTHERS[language].search(clause))))
            elif not _CONDITIONAL[language].search(clause):
                out.append(AllergyClause(index, clause, False, allergens))
    return out
