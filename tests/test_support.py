"""Support check: every record sentence gets evidence and a verdict (supported / unsupported / contradicted) with a
reason, from the text and the transcript; cited ids are only a hint."""

import pytest

from app.sample_visit import load_sample_visit
from summarizer.extractive import build_record
from summarizer.record import Provenance, Record, RecordSection, Sentence
from summarizer.support import check_sentence, evidence_span, index_transcript, verify_record
from summarizer.support_numbers import find_numbers
from summarizer.templates import find_template
from support_visits import visit


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


# Patterns found by the false-flag audit (eval_audits/README.md): each conversation supports the first sentence,
# which the checker used to flag, and a near variant of it must still be flagged with the given code.
_EN_AUDIT = [
    pytest.param([("doctor", "on your foot exam there's no surrounding erythema or cellulitis")],
                 "No surrounding erythema or cellulitis.", "Surrounding erythema.", "negation", id="modifier-in-scope"),
    pytest.param([("doctor", "there is no overlying erythema and that just means redness or ecchymosis and that just "
                             "means bruising of the skin")],
                 "No erythema or ecchymosis.", "Ecchymosis of the back.", "negation", id="gloss-keeps-negation"),
    pytest.param([("doctor", "how about any numbness or tingling?"),
                  ("patient", "no, doc. just pain. no tingling or numbless, numbness, thankfully.")],
                 "Denies numbness.", "Reports numbness.", "negation", id="false-start-in-list"),
    pytest.param([("doctor", "on your belly exam i don't feel any masses or any significant swelling back there")],
                 "No swelling.", "Swelling.", "negation", id="list-partly-outside-vocabulary"),
    pytest.param([("doctor", "okay so are you still noticing any blood in your urine"),
                  ("patient", "no no more blood")],
                 "Denies hematuria.", "Reports hematuria.", "negation", id="paraphrase-answered-no"),
    pytest.param([("doctor", "your lungs are nice and clear, and you have some trace edema, okay?")],
                 "Lungs are clear.", "Crackles in both lungs.", "unmentioned", id="tag-question-states"),
    pytest.param([("doctor", "do you feel short of breath at all?"),
                  ("patient", "if i walk too fast, then yeah, i do get short of breath that way.")],
                 "Reports shortness of breath when she walks too fast.", "Denies shortness of breath.", "negation",
                 id="if-clause-then-main-clause"),
    pytest.param([("doctor", "do you smoke?"), ("patient", "nope. never have.")],
                 "Tobacco use: non-smoker.", "Tobacco use: smoker.", "negation", id="heading-value-negates"),
    pytest.param([("patient", "i lost about 10 pounds and i still would like to lose about 20 more pounds.")],
                 "She would like to lose an additional 20 pounds.", "She would like to lose an additional 30 pounds.",
                 "number", id="number-more-unit"),
    pytest.param([("doctor", "you're gonna be under general anesthesia and it'll take about an hour and a half")],
                 "The surgery will take approximately 1.5 hours.", "The surgery will take approximately 2.5 hours.",
                 "duration", id="unit-and-a-half"),
    pytest.param([("patient", "my depression, it's been about a, a tough, ugh, year-and-a-half or so.")],
                 "His depression has been difficult for 1.5 years.", "His depression has been difficult for 2.5 years.",
                 "duration", id="bare-unit-and-a-half"),
    pytest.param([("doctor", "the ct scan does show a. five centimeter kidney stone in the proximal right ureter")],
                 "CT shows a 0.5 cm kidney stone.", "CT shows a 0.7 cm kidney stone.", "number", id="a-dot-five"),
    pytest.param([("doctor", "i've reviewed your vitals, you have no fever so that's good, you're ninety seven. eight "
                             "and your blood pressure looks fine today")],
                 "Temperature: 97.8 degrees F.", "Temperature: 98.8 degrees F.", "number", id="decimal-without-unit"),
    pytest.param([("doctor", "so your vital signs look good your temperature is normal your pulse is seventy two "
                             "respirations are sixteen and i'm gonna listen to your heart")],
                 "Heart rate: 72 bpm.", "Heart rate: 82 bpm.", "number", id="vital-without-unit"),
    pytest.param([("patient", "no, i have a son also who is nine. he also has autism.")],
                 "Brother: 9 years old, positive for autism.", "Brother: 7 years old, positive for autism.", "number",
                 id="age-as-bare-number"),
    pytest.param([("doctor", "you're here for a breast reduction consult"),
                  ("doctor", "a breast reduction is a common surgery"),
                  ("doctor", "i do a lot of breast reduction surgeries every week"), ("patient", "good to know"),
                  ("doctor", "let me get logged in here"), ("doctor", "how long have you been considering this?"),
                  ("patient", "it's probably been about six or seven years.")],
                 "She has been interested in a breast reduction for approximately 7 years.",
                 "She has been interested in a breast reduction for approximately 9 years.", "duration",
                 id="value-said-with-unit-outside-the-context"),
    pytest.param([("doctor", "show me the x-rays so looking at the x-ray of your left knee there's no fracture"),
                  ("doctor", "ms. thompson is here for right knee pain"),
                  ("doctor", "it sounds like you hurt something inside of your right knee")],
                 "Examination of the right knee shows pain with flexion.",
                 "Examination of the left knee shows pain with flexion.", "laterality", id="side-said-most-decides"),
    pytest.param([("doctor", "i don't appreciate any lymphadenopathy in your neck")],
                 "No enlarged lymph nodes.", "Enlarged lymph nodes in the neck.", "negation", id="synonym"),
]


def _supported_and_variant_flagged(lines, supported, flagged, code, language):
    """The audit's pattern: the reference sentence is supported, the near variant is flagged for the right reason."""
    conversation = visit(*lines)
    idx = index_transcript(conversation, language)
    result = check_sentence(supported, conversation, language, index=idx)
    assert result.verdict == "supported", result
    variant = check_sentence(flagged, conversation, language, index=idx)
    assert variant.verdict != "supported" and variant.code == code, variant


@pytest.mark.parametrize("lines, supported, flagged, code", _EN_AUDIT)
def test_en_audit_patterns_are_supported_and_their_variants_flagged(lines, supported, flagged, code):
    _supported_and_variant_flagged(lines, supported, flagged, code, "en")


def test_en_a_score_answered_on_a_scale_is_compared_whole():
    conversation = visit(("doctor", "how bad is that pain on a scale from zero to ten ten being the worst pain"),
                         ("patient", "i would say probably a six"))
    idx = index_transcript(conversation, "en")
    assert check_sentence("He rates his pain 6/10.", conversation, "en", index=idx).verdict == "supported"
    result = check_sentence("He rates his pain 7/10.", conversation, "en", index=idx)
    assert (result.verdict, result.code) == ("contradicted", "number") and "6/10" in result.reason, result


def test_en_a_reply_answers_the_last_question_of_a_turn():
    conversation = visit(("doctor", "so i reviewed your ultrasound and i do believe you have some mild cholecystitis "
                                    "with gallstones so i'm going to make the recommendation that we remove your "
                                    "gallbladder and you'll spend the night in the hospital now do you have any "
                                    "questions about the plan"),
                         ("patient", "no no questions today"))
    idx = index_transcript(conversation, "en")
    assert check_sentence("Mild cholecystitis with gallstones.", conversation, "en", index=idx).verdict == "supported"
    result = check_sentence("Mild cholecystitis with no gallstones.", conversation, "en", index=idx)
    assert (result.verdict, result.code) == ("contradicted", "negation"), result
    asked = visit(("doctor", "okay and do you have any history of gallstones"), ("patient", "no"))
    assert check_sentence("History of gallstones.", asked, "en").code == "negation"


_ZH_AUDIT = [
    pytest.param([("patient", "不晕，血脂很高，窦性心律不齐")], "患者有高血脂。", "患者无高血脂。", "negation",
                 id="degree-word-inside-term"),
    pytest.param([("patient", "犯病的时候嘴唇轻度发紫")], "患者有发绀。", "患者无发绀。", "negation",
                 id="degree-word-inside-finding"),
    pytest.param([("patient", "我的睡眠真的不是太好，总做梦")], "睡眠差。", "睡眠可。", "negation",
                 id="degree-words-inside-absent-form"),
    pytest.param([("doctor", "体检有影响吗？您睡眠好吗？"), ("patient", "不好。")], "睡眠差。", "睡眠可。", "negation",
                 id="no-to-a-question-about-the-normal-state"),
    pytest.param([("patient", "我是心脏病室缺"), ("doctor", "难怪呢，不过室缺可以导致头痛。为啥不做手术补上室缺呢？")],
                 "患者有室间隔缺损。", "患者无室间隔缺损。", "negation", id="buguo-is-not-a-negation"),
    pytest.param([("doctor", "建议检查心脏超声。")], "医生建议做超声检查。", "医生建议做胃镜检查。", "unmentioned",
                 id="term-inside-a-longer-term"),
    pytest.param([("patient", "我几天人没有力，站不稳")], "患者有乏力。", "患者无乏力。", "negation", id="synonym"),
]


@pytest.mark.parametrize("lines, supported, flagged, code", _ZH_AUDIT)
def test_zh_audit_patterns_are_supported_and_their_variants_flagged(lines, supported, flagged, code):
    _supported_and_variant_flagged(lines, supported, flagged, code, "zh")


def test_a_no_after_a_later_question_does_not_answer_a_question_about_the_normal_state():
    conversation = visit(("doctor", "eating well? okay. don't feel any concerns about hurting yourself or others?"),
                         ("patient", "no."))
    assert check_sentence("She is eating well.", conversation, "en").verdict == "supported"


def test_en_readings_added_for_the_audit_do_not_hide_a_changed_value():
    scores = visit(("doctor", "on a scale of one to ten how severe is it"),
                   ("patient", "i would say it's about a seven"), ("doctor", "okay"), ("patient", "yeah"),
                   ("doctor", "okay has anything made it better"),
                   ("patient", "i tried some ibuprofen that helped a little bit"), ("doctor", "mm-hmm"),
                   ("patient", "just about five out of ten"))
    idx = index_transcript(scores, "en")
    assert check_sentence("With ibuprofen his pain improves to 5 out of 10.", scores, "en", index=idx).verdict == \
        "supported"
    result = check_sentence("With ibuprofen his pain improves to 7 out of 10.", scores, "en", index=idx)
    assert result.verdict == "contradicted" and "5/10" in result.reason, result
    vitals = visit(("doctor", "your vital signs look good your temperature is ninety eight. two your pulse is seventy "
                              "two and your blood pressure is fine"),)
    idx = index_transcript(vitals, "en")
    assert check_sentence("Temperature: 98.2 degrees F.", vitals, "en", index=idx).verdict == "supported"
    assert check_sentence("Temperature: 98 degrees F.", vitals, "en", index=idx).verdict != "supported"
