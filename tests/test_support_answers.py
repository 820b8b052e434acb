"""Who said a term, and how a reply answers the question about it: support checks found wrong by the MIE injections
(a flipped sentence that the checker still accepted) and by the flags those fixes raised. Each test holds a sentence
that must be supported and a variant that must be flagged."""

import pytest

from summarizer.fact_rules import reply_polarity, rules_for
from summarizer.facts import extract_facts
from support_visits import verdict, visit


def statuses(utterances, item, language="zh"):
    return {f.status for f in extract_facts(utterances, language) if f.item == item}


def test_the_side_a_sentence_names_decides_when_a_term_was_said_both_ways():
    said = visit(("patient", "我确诊为心肌缺血，吃了一个星期药还不管用"), ("doctor", "你这个年纪，心肌缺血可能性不大"))
    assert verdict("患者有心肌缺血。", said, "zh").verdict == "supported"
    assert verdict("患者无心肌缺血。", said, "zh").verdict == "contradicted"
    assert verdict("医生认为无心肌缺血。", said, "zh").verdict == "supported"
    assert verdict("医生认为有心肌缺血。", said, "zh").verdict == "contradicted"


def test_a_doctor_naming_a_history_still_backs_the_patient_reporting_it():
    said = visit(("doctor", "she has a history of asthma and diabetes"),
                 ("doctor", "any recent asthma attacks?"), ("patient", "no, i haven't had any asthma attacks lately"))
    assert verdict("Patient reports history of asthma.", said, "en").verdict == "supported"


@pytest.mark.parametrize("said", ["正常心率，临床不象心肌炎", "这个不算心肌炎", "彩超没有提示心肌炎"])
def test_a_doctor_ruling_a_diagnosis_out_denies_it(said):
    utterances = visit(("patient", "会是心肌炎吗？"), ("doctor", said))
    assert statuses(utterances, "心肌炎") >= {"absent"}
    assert verdict("医生认为无心肌炎。", utterances, "zh").verdict == "supported"
    assert verdict("医生认为有心肌炎。", utterances, "zh").verdict == "contradicted"


def test_a_question_nobody_answers_does_not_support_an_absence():
    asked = visit(("doctor", "有没有恶心？"), ("doctor", "心电图带来了吗？"), ("patient", "带来了"))
    result = verdict("患者无恶心。", asked, "zh")
    assert (result.verdict, result.code) == ("unsupported", "unconfirmed")
    assert "未确认无" in result.reason
    answered = visit(("doctor", "有没有恶心？"), ("patient", "没有"))
    assert verdict("患者无恶心。", answered, "zh").verdict == "supported"
    # a Chinese question presupposes what it asks about: it still backs a presence
    assert verdict("患者有恶心。", asked, "zh").verdict == "supported"


@pytest.mark.parametrize("reply, expected", [
    ("正中、手掌大小。没有", "absent"), ("好的谢谢大夫。没有。我还是颈椎病", "absent"), ("在左边，有的", "present"),
    ("没有", "absent"), ("不知道", "uncertain"), ("正中、手掌大小", ""),
])
def test_a_reply_that_answers_another_question_first_is_read_by_its_bare_yes_or_no(reply, expected):
    assert reply_polarity(reply, rules_for("zh")) == expected


def test_a_bare_no_after_another_answer_denies_what_was_asked():
    said = visit(("doctor", "你说的胸口具体部位是哪里。有没有恶心，反酸？"), ("patient", "正中、手掌大小。没有"))
    assert statuses(said, "恶心") == {"absent"}
    assert verdict("患者有恶心。", said, "zh").verdict == "contradicted"


def test_a_fine_answers_a_question_about_the_normal_state():
    said = visit(("doctor", "大便，睡眠正常吗"), ("patient", "正常"))
    assert statuses(said, "睡眠差") == {"absent"}
    assert verdict("睡眠可。", said, "zh").verdict == "supported"
    assert verdict("睡眠差。", said, "zh").verdict == "contradicted"
    asked = visit(("doctor", "有没有胸痛？"), ("patient", "正常"))  # a fine does not say yes to a complaint
    assert "present" not in statuses(asked, "胸痛")


def test_a_patients_question_asks_only_in_its_own_clause():
    said = visit(("patient", "今天是第三天，精神还挺好，就是不吃饭，还用去住院吗"))
    assert verdict("精神可。", said, "zh").verdict == "supported"
    assert verdict("精神差。", said, "zh").verdict == "contradicted"


def test_a_negation_does_not_reach_past_jiushi():
    said = visit(("doctor", "平时有晕倒过吗"), ("patient", "没有晕倒过就是时不时就胸口隐隐约约痛"))
    assert verdict("患者有胸痛。", said, "zh").verdict == "supported"


def test_a_yes_to_a_question_about_the_normal_state_denies_the_complaint():
    said = visit(("doctor", "okay. and you're sleeping well at night?"), ("patient", "yeah, a full eight hours."))
    assert verdict("She is sleeping well at night.", said, "en").verdict == "supported"
    assert verdict("She reports poor sleep.", said, "en").verdict == "contradicted"


def test_a_hesitation_before_the_no_still_answers_the_question():
    said = visit(("doctor", "any pins and needles in your feet at all? any swelling in your legs?"),
                 ("patient", "uh, no, nothing like that."),
                 ("doctor", "looking at your knees, on your left knee you do have some swelling"))
    assert statuses(said, "swelling", "en") >= {"absent"}
    assert verdict("She denies swelling in her legs.", said, "en").verdict == "supported"
    assert reply_polarity("mm-hmm", rules_for("en")) == "present"


def test_a_doctor_asking_have_you_had_mid_sentence_does_not_report_the_symptom():
    said = visit(("doctor", "okay well i'm gonna do a quick exam so last thing have you had any fever or chills since "
                            "this happened at all"), ("patient", "a slight headache but no fever"))
    assert verdict("Denies fever or chills.", said, "en").verdict == "supported"
    told = visit(("doctor", "okay well i'm gonna do a quick exam so last thing you had fever and chills since this "
                            "happened"), ("patient", "a slight headache"))
    assert verdict("Denies fever or chills.", told, "en").verdict == "contradicted"


@pytest.mark.parametrize("said, sentence", [
    ("you have a negative valgus and varus test as well", "Negative valgus and varus stress test."),
    ("you've got some rails and some rhonchi more on the right side", "Some rales and rhonchi."),
])
def test_exam_wording_as_speech_recognition_writes_it(said, sentence):
    assert verdict(sentence, visit(("doctor", said)), "en").verdict == "supported"
