"""Checks of a TingJi FHIR document against the R4 rules an integration engine enforces.

Bundle (type document, identifier, timestamp, unique fullUrls, Composition first), Composition (status, type,
date, author, title; a legal attester when final), sections (cmp-1: text, entries or sub-sections; cmp-2; valid
emptyReason), narrative (well-formed, allowed XHTML only), dateTimes with a timezone, and references resolving
inside the document. Not checked: that codes exist in LOINC, or profile-specific rules.
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree import ElementTree

__all__ = ["validate_composition"]

_XHTML = "http://www.w3.org/1999/xhtml"
_STATUSES = ("preliminary", "final", "amended", "entered-in-error")
LIST_EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"

_EMPTY_REASONS = ("nilknown", "notasked", "withheld", "unavailable", "notstarted", "closed")
_ATTESTER_MODES = ("personal", "professional", "legal", "official")
_NARRATIVE_STATUSES = ("generated", "extensions", "additional", "empty")
# Elements FHIR narrative may use (R4 txt-1: basic XHTML, no script, forms, styles sheets or event handlers).
_XHTML_ELEMENTS = frozenset(
    "a abbr acronym b big blockquote br caption cite code col colgroup dd dfn div dl dt em h1 h2 h3 h4 h5 h6 hr i "
    "img li ol p pre q samp small span strong sub sup table tbody td tfoot th thead tr tt ul var".split())
_DATETIME = re.compile(r"(?P<date>[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)"
                       r"(?P<time>T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?)?"
                       r"(?P<zone>Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?")


def _check_datetime(value, where: str, *, instant: bool = False) -> list[str]:
    """FHIR dateTime (or instant): a time needs a timezone; the date must exist."""
    kind = "instant" if instant else "dateTime"
    if not isinstance(value, str) or not value:
        return [f"{where}: missing {kind}"]
    match = _DATETIME.fullmatch(value)
    if not match:
        return [f"{where}: {value!r} is not a FHIR {kind}"]
    if match["time"] and not match["zone"]:
        return [f"{where}: {value!r} has a time but no timezone"]
    if match["zone"] and not match["time"]:
        return [f"{where}: {value!r} has a timezone but no time"]
    if instant and not match["time"]:
        return [f"{where}: an instant needs a time and timezone, not {value!r}"]
    if len(match["date"]) == 10:
        try:
            datetime.strptime(match["date"], "%Y-%m-%d")
        except ValueError:
            return [f"{where}: {value!r} is not a real date"]
    return []


def _check_div(div, where: str) -> list[str]:
    if not isinstance(div, str) or not div.strip():
        return [f"{where}: narrative div is missing"]
    if "<!DOCTYPE" in div or "<!ENTITY" in div:
        return [f"{where}: narrative div must not declare a DOCTYPE or entities"]
    try:
        root = ElementTree.fromstring(div)
    except ElementTree.ParseError as error:
        return [f"{where}: narrative div is not well-formed XHTML ({error})"]
    problems = []
    if root.tag != f"{{{_XHTML}}}div":
        problems.append(f"{where}: narrative must be a <div> in the XHTML namespace")
    for element in root.iter():
        namespace, _, name = element.tag.rpartition("}")
        if namespace != f"{{{_XHTML}" or name not in _XHTML_ELEMENTS:
            problems.append(f"{where}: <{name}> is not allowed in FHIR narrative (txt-1)")
        if any(attribute.lower().startswith("on") for attribute in element.attrib):
            problems.append(f"{where}: event-handler attributes are not allowed in FHIR narrative (txt-1)")
    if not "".join(root.itertext()).strip() and root.find(f".//{{{_XHTML}}}img") is None:
        problems.append(f"{where}: narrative div has no text (txt-2)")
    return problems


def _check_narrative(text, where: str) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, dict):
        return [f"{where}: must be a Narrative"]
    problems = [] if text.get("status") in _NARRATIVE_STATUSES else [
        f"{where}.status: must be one of {', '.join(_NARRATIVE_STATUSES)}"]
    return problems + _check_div(text.get("div"), f"{where}.div")


def _check_concept(concept, where: str, *, required: bool = False) -> list[str]:
    if concept is None:
        return [f"{where}: is required"] if required else []
    codings = concept.get("coding") if isinstance(concept, dict) else None
    if not isinstance(codings, list) or not codings:
        return [f"{where}: needs at least one coding"] if required or not (isinstance(concept, dict)
                                                                          and concept.get("text")) else []
    return [f"{where}.coding[{i}]: needs system and code" for i, c in enumerate(codings)
            if not (isinstance(c, dict) and c.get("system") and c.get("code"))]


def _check_section(section, where: str) -> list[str]:
    if not isinstance(section, dict):
        return [f"{where}: must be an object"]
    problems = _check_concept(section.get("code"), f"{where}.code")
    problems += _check_narrative(section.get("text"), f"{where}.text")
    if "title" in section and not (isinstance(section["title"], str) and section["title"].strip()):
        problems.append(f"{where}.title: must be non-empty text")
    children = section.get("section") or []
    if not (section.get("text") or section.get("entry") or children):
        problems.append(f"{where}: a section must contain text, entries or sub-sections (cmp-1)")
    if section.get("emptyReason") is not None:
        if section.get("entry"):
            problems.append(f"{where}: a section with entries must not have an emptyReason (cmp-2)")
        problems += _check_concept(section["emptyReason"], f"{where}.emptyReason", required=True)
        for i, coding in enumerate(section["emptyReason"].get("coding") or ()):
            if isinstance(coding, dict) and coding.get("system") == LIST_EMPTY_REASON \
                    and coding.get("code") not in _EMPTY_REASONS:
                problems.append(f"{where}.emptyReason.coding[{i}]: {coding.get('code')!r} is not a list-empty-reason "
                                f"code")
    for i, child in enumerate(children):
        problems += _check_section(child, f"{where}.section[{i}]")
    return problems


def _check_composition(composition: dict, where: str) -> list[str]:
    problems = []
    if composition.get("status") not in _STATUSES:
        problems.append(f"{where}.status: must be one of {', '.join(_STATUSES)}")
    problems += _check_concept(composition.get("type"), f"{where}.type", required=True)
    problems += _check_datetime(composition.get("date"), f"{where}.date")
    authors = composition.get("author")
    if not isinstance(authors, list) or not authors:
        problems.append(f"{where}.author: at least one author is required")
    else:
        problems += [f"{where}.author[{i}]: empty reference" for i, a in enumerate(authors)
                     if not (isinstance(a, dict) and (a.get("reference") or a.get("identifier") or a.get("display")))]
    title = composition.get("title")
    if not (isinstance(title, str) and title.strip()):
        problems.append(f"{where}.title: is required")
    problems += _check_narrative(composition.get("text"), f"{where}.text")
    attesters = composition.get("attester") or []
    for i, attester in enumerate(attesters):
        if not isinstance(attester, dict) or attester.get("mode") not in _ATTESTER_MODES:
            problems.append(f"{where}.attester[{i}].mode: must be one of {', '.join(_ATTESTER_MODES)}")
        elif "time" in attester:
            problems += _check_datetime(attester["time"], f"{where}.attester[{i}].time")
    if composition.get("status") in ("final", "amended") and not any(
            isinstance(a, dict) and a.get("mode") == "legal" and a.get("party") for a in attesters):
        problems.append(f"{where}.attester: a {composition.get('status')} record needs the signing doctor "
                        f"(mode legal, with party and time)")
    sections = composition.get("section") or []
    if not isinstance(sections, list):
        return problems + [f"{where}.section: must be a list"]
    for i, section in enumerate(sections):
        problems += _check_section(section, f"{where}.section[{i}]")
    return problems


def _empty_values(value, path: str):
    """Where ``value`` holds an empty string, list or object, or a null (FHIR JSON allows none of them)."""
    if value is None or value in ("", [], {}):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _empty_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _empty_values(item, f"{path}[{i}]")


def _references(value, path: str):
    """Every ``reference`` string under ``value``, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield path, item
            elif key != "contained":
                yield from _references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _references(item, f"{path}[{i}]")


def _dangling(resource: dict, where: str, targets: set[str]) -> list[str]:
    contained = {f"#{c.get('id')}" for c in resource.get("contained") or () if isinstance(c, dict)}
    return [f"{path}: reference {ref!r} does not resolve inside the document"
            for path, ref in _references(resource, where) if ref not in targets and ref not in contained]


def _check_bundle(bundle: dict) -> list[str]:
    problems = [] if bundle.get("type") == "document" else ["Bundle.type: must be 'document'"]
    identifier = bundle.get("identifier")
    if not (isinstance(identifier, dict) and identifier.get("system") and identifier.get("value")):
        problems.append("Bundle.identifier: a document needs an identifier with system and value (bdl-9)")
    problems += _check_datetime(bundle.get("timestamp"), "Bundle.timestamp", instant=True)
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        return problems + ["Bundle.entry: a document needs its Composition as first entry (bdl-11)"]
    targets: set[str] = set()
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not resource.get("resourceType"):
            problems.append(f"Bundle.entry[{i}]: has no resource")
            continue
        url = entry.get("fullUrl")
        if not url:
            problems.append(f"Bundle.entry[{i}].fullUrl: is required in a document")
        elif url in targets:
            problems.append(f"Bundle.entry[{i}].fullUrl: {url!r} appears twice (bdl-7)")
        targets.update(x for x in (url, f"{resource['resourceType']}/{resource.get('id')}" if resource.get("id")
                                   else None) if x)
    first = entries[0].get("resource") if isinstance(entries[0], dict) else None
    if not (isinstance(first, dict) and first.get("resourceType") == "Composition"):
        return problems + ["Bundle.entry[0]: the first entry of a document must be its Composition (bdl-11)"]
    problems += _check_composition(first, "Composition")
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType"):
            where = "Composition" if i == 0 else f"Bundle.entry[{i}].resource"
            problems += _dangling(resource, where, targets)
            if i:
                problems += _check_narrative(resource.get("text"), f"{where}.text")
    return problems


def validate_composition(doc: dict) -> list[str]:
    """Check a FHIR R4 document (or a bare Composition) against the rules receiving systems enforce.

    Checked: Bundle type ``document`` with identifier (bdl-9), instant timestamp (bdl-10), unique fullUrls
    (bdl-7) and the Composition first (bdl-11); the Composition's required status, type, date, author and title;
    attester modes, and a legal attester on a final or amended record; every section has text, entries or
    sub-sections (cmp-1) and an emptyReason only when it has no entries (cmp-2), with a list-empty-reason code;
    no empty strings, lists or objects and no nulls; narrative is well-formed XHTML in a ``<div>`` of the XHTML
    namespace with only the elements FHIR allows and some text (txt-1, txt-2); dates are real FHIR dateTimes with a
    timezone whenever they have a time; and every reference resolves to an entry of the document (or a contained
    resource). Not checked: terminology (whether a code exists in LOINC) and profile-specific rules.

    Args:
        doc: A Bundle of type document, or a Composition (whose references must then be contained).

    Returns:
        One message per problem, naming the element; empty when the document passes.
    """
    if not isinstance(doc, dict):
        return ["not a FHIR resource (expected a JSON object)"]
    kind = doc.get("resourceType")
    if kind not in ("Bundle", "Composition"):
        return [f"expected a document Bundle or a Composition, not {kind!r}"]
    problems = [f"{path}: empty values and nulls are not allowed in FHIR JSON"
                for path in _empty_values(doc, kind)]
    if kind == "Bundle":
        return problems + _check_bundle(doc)
    return problems + _check_composition(doc, "Composition") + _dangling(doc, "Composition", set())
