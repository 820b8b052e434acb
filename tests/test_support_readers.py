"""Support checks found wrong by the full adjudication of the eval's flags (``eval_audits/adjudicated_flags.jsonl``):
each test holds a sentence that must now be supported and a near variant that must still be flagged."""

import pytest

from summarizer.facts import extract_facts
from summarizer.support_numbers import find_numbers
from support_visits import verdict, visit


def test_a_negation_about_an_earlier_time_does_not_deny_the_symptom_now():
    said = visit(("patient", "今天早上宝宝拉稀了"), ("doctor", "昨天怎么样？"), ("patient", "昨天还没拉稀，正常一次"))
    assert verdict("无拉稀。", said, "zh").verdict == "contradicted"
    assert verdict("拉稀。", said, "zh").verdict == "supported"
    denied = visit(("doctor", "拉稀吗？"), ("patient", "今天没拉稀，正常一次"))
    assert verdict("无拉稀。", denied, "zh").verdict == "supported"


def test_a_duration_answers_the_how_long_question_that_a_yes_no_question_followed():
    said = visit(("doctor", "咳嗽有几天了？"), ("doctor", "有发热过吗？"), ("patient", "有三天"), ("patient", "没发烧"))
    cough = [f for f in extract_facts(said, "zh") if f.item == "咳嗽"]
    assert [(f.status, f.duration) for f in cough] == [("present", "3天")]
    assert verdict("无咳嗽。", said, "zh").verdict == "contradicted"
    assert verdict("咳嗽三天。", said, "zh").verdict == "supported"
    assert verdict("咳嗽四天。", said, "zh").code == "duration"
    assert verdict("无发热。", said, "zh").verdict == "supported"


def test_a_count_per_day_is_a_frequency_not_a_duration():
    assert [q.cls for q in find_numbers("前段时间一天两遍大便", "zh")] == ["number", "count"]
    assert [q.cls for q in find_numbers("发烧一天了", "zh")] == ["duration"]
    said = visit(("patient", "这两天大便次数多了，平时一天两遍，现在拉得很多，不知道怎么回事"))
    assert verdict("大便次数增多两天。", said, "zh").verdict == "supported"
    assert verdict("大便次数增多一天。", said, "zh").verdict == "contradicted"


@pytest.mark.parametrize("said, sentence, variant", [
    ("on exam there is no cva tenderness", "No CVA tenderness.", "there is cva tenderness"),
    ("i don't appreciate any lymph lymphadenopathy on your neck exam", "No lymphadenopathy.",
     "i do appreciate some lymphadenopathy on your neck exam"),
    ("there is some tenderness over the lateral malleolus and there is no bony tenderness on palpation of the foot",
     "No bony tenderness on palpation of the foot.", "there is bony tenderness on palpation of the foot"),
])
def test_a_negation_said_right_before_the_term_supports_the_denial(said, sentence, variant):
    assert verdict(sentence, visit(("doctor", said)), "en").verdict == "supported"
    assert verdict(sentence, visit(("doctor", variant)), "en").verdict == "contradicted"


def test_a_negation_far_before_the_term_still_lets_a_report_contradict_a_denial():
    said = visit(("doctor", "any other symptoms?"), ("patient", "no just really just kind of a a headache"))
    assert verdict("Denies headache.", said, "en").verdict == "contradicted"


def test_a_bare_chinese_list_after_a_negation_is_denied_whole():
    listed = visit(("patient", "就是紧张引起的。无高血压，甲亢，心肌炎"))
    assert verdict("患者无甲亢。", listed, "zh").verdict == "supported"
    assert verdict("患者有心肌炎。", listed, "zh").verdict == "contradicted"
    clause = visit(("patient", "没有发烧，咳嗽很厉害"))
    assert verdict("无咳嗽。", clause, "zh").verdict == "contradicted"


@pytest.mark.parametrize("said, absent, present", [
    ("我血压很正常，就是心慌", "患者无高血压。", "患者有高血压。"),
    ("但是我血脂不高", "患者无高血脂。", "患者有高血脂。"),
])
def test_a_normal_reading_denies_the_condition(said, absent, present):
    utterances = visit(("patient", said))
    assert verdict(absent, utterances, "zh").verdict == "supported"
    assert verdict(present, utterances, "zh").verdict == "contradicted"
