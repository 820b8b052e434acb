"""Support check: every record sentence gets evidence and a verdict (supported / unsupported / contradicted) with a
reason, from the text and the transcript; cited ids are only a hint."""

import pytest

from app.sample_visit import load_sample_visit
from diarization.types import Utterance
from summarizer.extractive import build_record
from summarizer.record import Provenance, Record, RecordSection, Sentence
from summarizer.support import check_sentence, evidence_span, index_transcript, verify_record
from summarizer.support_numbers import find_numbers
from summarizer.templates import find_template


def visit(*lines):
    """Utterances u01, u02... from (role, text) pairs, two seconds apart."""
    return tuple(Utterance(f"u{i:02d}", role, role, float(2 * i), 2 * i + 1.5, text)
                 for i, (role, text) in enumerate(lines, 1))


ZH = visit(
    ("doctor", "哪里不舒服？"),
    ("patient", "咳嗽、发烧三天了，右边膝盖也疼。"),
    ("doctor", "有没有胸痛？"),
    ("patient", "没有。"),
    ("doctor", "最高烧到多少度？"),
    ("patient", "最高38.5度。"),
    ("doctor", "平时吃什么药？"),
    ("patient", "吃氨氯地平，5毫克，一天一次。"),
    ("doctor", "我查一下。右膝关节肿胀，双肺呼吸音清。"),
    ("doctor", "开阿莫西林，0.5克，一天三次，吃五天。多喝水，注意休息。"),
)
EN = visit(
    ("doctor", "What brings you in today?"),
    ("patient", "My left knee has been hurting for two weeks."),
    ("doctor", "Any fever or chills?"),
    ("patient", "No."),
    ("doctor", "Are you taking any medications?"),
    ("patient", "Lisinopril 20 milligrams once a day."),
    ("doctor", "On exam there is swelling of the left knee. Your blood pressure is 130 over 85."),
    ("doctor", "I'll start you on ibuprofen 400 mg three times a day for the pain."),
    ("patient", "Okay, that sounds good."),
)


@pytest.fixture(scope="module")
def zh_index():
    return index_transcript(ZH, "zh")


@pytest.fixture(scope="module")
def en_index():
    return index_transcript(EN, "en")


def check(text, utterances, language, index, cited=()):
    return check_sentence(text, utterances, language, index=index, cited=cited)


@pytest.mark.parametrize("text, evidence", [
    ("咳嗽、发热3天。", {"u02"}),
    ("无胸痛。", {"u03", "u04"}),
    ("最高体温38.5℃。", {"u06"}),
    ("阿莫西林0.5克，每天三次，共5天。", {"u10"}),
    ("右膝关节肿胀。", {"u09"}),
    ("口服氨氯地平5毫克，每天一次。", {"u08"}),
])
def test_zh_faithful_sentences_are_supported_with_their_evidence(zh_index, text, evidence):
    result = check(text, ZH, "zh", zh_index)
    assert result.verdict == "supported", result
    assert evidence <= set(result.evidence)
    assert result.code == "" and result.reason.startswith("与对话一致")


@pytest.mark.parametrize("text, verdict, code, reason", [
    ("有胸痛。", "contradicted", "negation", "病历写有胸痛，但对话中患者否认（u03、u04）"),
    ("无发热。", "contradicted", "negation", "病历写无发热，但对话中患者提到有发热（u02）"),
    ("阿莫西林0.25克，每天三次。", "contradicted", "dose", "剂量0.25克与对话中0.5克（u10）不符"),
    ("咳嗽、发热5天。", "contradicted", "duration", "时长5天与对话中三天（u02）不符"),
    ("最高体温39.5℃。", "contradicted", "number", "与对话中38.5度（u06）不符"),
    ("左膝关节肿胀。", "contradicted", "laterality", "侧别“左膝关节”与对话中“右膝关节”（u09）不符"),
    ("口服头孢克肟。", "unsupported", "drug", "药物“头孢克肟”在对话中未提及"),
    ("伴恶心。", "unsupported", "unmentioned", "“恶心”在对话中未提及"),
    ("患者上周去海南旅游。", "unsupported", "ungrounded", "对话中找不到这句话的依据"),
])
def test_zh_errors_are_flagged_with_a_specific_reason(zh_index, text, verdict, code, reason):
    result = check(text, ZH, "zh", zh_index)
    assert (result.verdict, result.code) == (verdict, code), result
    assert reason in result.reason


@pytest.mark.parametrize("text, evidence", [
    ("Left knee pain for 2 weeks.", {"u02"}),
    ("Denies fever or chills.", {"u03", "u04"}),
    ("Lisinopril 20 mg daily.", {"u06"}),
    ("Left knee swelling.", {"u07"}),
    ("Blood pressure 130/85.", {"u07"}),
    ("Ibuprofen 400 mg three times a day.", {"u08"}),
])
def test_en_faithful_sentences_are_supported(en_index, text, evidence):
    result = check(text, EN, "en", en_index)
    assert result.verdict == "supported", result
    assert evidence <= set(result.evidence)


@pytest.mark.parametrize("text, verdict, code, reason", [
    ("Reports fever.", "contradicted", "negation", "negation flipped: the patient denied fever (u03, u04)"),
    ("Lisinopril 40 mg daily.", "contradicted", "dose", "dose 40 mg differs from 20 milligrams said in u06"),
    ("Knee pain for 2 months.", "contradicted", "duration", "duration 2 months differs from two weeks said in u02"),
    ("Blood pressure 150/85.", "contradicted", "number", "150 differs from 130 said in u07"),
    ("Right knee swelling.", "contradicted", "laterality", "laterality: right knee, but the visit says left knee"),
    ("Started on naproxen.", "unsupported", "drug", "drug naproxen never mentioned (the visit names ibuprofen"),
    ("Also reports nausea.", "unsupported", "unmentioned", "nausea never mentioned"),
    ("The patient traveled to Mexico last month.", "unsupported", "ungrounded", "nothing in the visit says this"),
])
def test_en_errors_are_flagged_with_a_specific_reason(en_index, text, verdict, code, reason):
    result = check(text, EN, "en", en_index)
    assert (result.verdict, result.code) == (verdict, code), result
    assert reason in result.reason


def test_sentences_without_clinical_content_are_not_flagged(zh_index, en_index):
    for text, utterances, lang, index in (("The patient agrees with the plan.", EN, "en", en_index),
                                          ("患者表示理解。", ZH, "zh", zh_index)):
        result = check(text, utterances, lang, index)
        assert result.verdict == "supported" and result.code == ""
        assert "no clinical detail" in result.reason or "无可核对" in result.reason


def test_a_negative_never_discussed_is_unsupported(en_index):
    result = check("Denies chest pain.", EN, "en", en_index)
    assert result.verdict == "unsupported" and "chest pain never mentioned" in result.reason


def test_hedged_and_conditional_terms_are_not_held_to_a_polarity(zh_index, en_index):
    assert check("如有胸痛及时就诊。", ZH, "zh", zh_index).verdict == "supported"
    warning = check("体温超过39℃或胸痛时立即急诊。", ZH, "zh", zh_index)  # a threshold never said, not a measurement
    assert (warning.verdict, warning.code) == ("unsupported", "number"), warning
    assert check("Return if fever develops.", EN, "en", en_index).verdict == "supported"


def test_cited_ids_are_a_hint_wrong_ones_are_dropped(zh_index):
    result = check("最高体温38.5℃。", ZH, "zh", zh_index, cited=("u01", "u99"))
    assert result.verdict == "supported"
    assert "u99" not in result.evidence and "u06" in result.evidence


def test_check_sentence_builds_its_own_index_when_none_is_given():
    result = check_sentence("阿莫西林0.25克。", ZH, "zh")
    assert result.verdict == "contradicted" and result.evidence == ("u10",)


def test_spoken_numbers_are_read_in_both_languages():
    values = {q.value for q in find_numbers("one twenty over eighty, ninety eight point six degrees", "en")}
    assert {120, 80, 98.6} <= values
    assert [(q.value, q.unit) for q in find_numbers("体温三十八度五，一两天了", "zh")][:1] == [(38.5, "degree")]
    assert {q.value for q in find_numbers("一两天了", "zh")} == {1, 2}


def _record(sentences):
    provenance = Provenance("llm", "t", "1", "0" * 64)
    return Record("v1", "zh", "门诊病历", (RecordSection("s", "现病史", tuple(sentences)),
                                             RecordSection("d", "诊断", (), not_discussed=True)), provenance)


def test_verify_record_sets_evidence_verdict_reason_and_keeps_reviewed():
    record = _record([Sentence("阿莫西林0.25克。", ("u01",), reviewed=True),
                      Sentence("咳嗽、发热3天。", ("u77",)),
                      Sentence("伴恶心。", ())])
    checked = verify_record(record, ZH)
    dose, cough, nausea = checked.sections[0].sentences
    assert (dose.verdict, dose.evidence, dose.reviewed) == ("contradicted", ("u10",), True)
    assert "剂量" in dose.reason
    assert (cough.verdict, cough.reviewed) == ("supported", False) and "u02" in cough.evidence
    assert nausea.verdict == "unsupported" and nausea.evidence == ()
    assert checked.sections[1].not_discussed and checked.provenance == record.provenance
    assert record.sections[0].sentences[0].verdict == "unchecked"  # the input is not changed


def test_the_extractive_record_of_the_sample_visit_is_all_supported():
    utterances = load_sample_visit().utterances
    record = verify_record(build_record(utterances, find_template("internal-medicine-initial")), utterances)
    sentences = [s for section in record.sections for s in section.sentences]
    assert sentences and all(s.verdict == "supported" for s in sentences), \
        [(s.text, s.reason) for s in sentences if s.verdict != "supported"]
    assert all(s.evidence for s in sentences)


def test_evidence_span_covers_the_cited_utterances():
    assert evidence_span(("u03", "u04"), ZH) == (6.0, 9.5)
    assert evidence_span(("u10", "u02"), ZH) == (4.0, 21.5)
    assert evidence_span(("u99",), ZH) is None
    assert evidence_span((), ZH) is None


def test_en_unmarked_questions_neither_deny_nor_confirm():
    asked = visit(("doctor", "okay alright and any chest pain or shortness of breath or anything like that"),
                  ("doctor", "let me look at your back"),
                  ("doctor", "have you had any fever or chills?"), ("patient", "well my back hurts"))
    idx = index_transcript(asked, "en")
    assert check_sentence("Denies chest pain.", asked, "en", index=idx).verdict == "supported"
    result = check_sentence("Reports fever.", asked, "en", index=idx)  # only asked about, never confirmed
    assert (result.verdict, result.code) == ("unsupported", "unconfirmed") and "u03" in result.reason
    said = visit(("doctor", "any fever?"), ("patient", "yes, a fever last night."))
    assert check_sentence("Reports fever.", said, "en").verdict == "supported"


def test_en_other_forms_of_a_word_count_as_said_and_keep_their_polarity():
    palpitating = visit(("patient", "i find myself palpitating a lot on the stairs."))
    assert check_sentence("Endorses palpitations.", palpitating, "en").verdict == "supported"
    denied = visit(("patient", "no, i am not palpitating at all."))
    assert check_sentence("Endorses palpitations.", denied, "en").code == "negation"
    hydrocodone = visit(("patient", "i take hydrocodone for the pain."))  # drugs never match by stem
    assert check_sentence("Takes hydrochlorothiazide.", hydrocodone, "en").verdict != "supported"
