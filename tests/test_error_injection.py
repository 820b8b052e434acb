"""Controlled error injection: one error per type, deterministic per seed, Chinese and English, skipped (None) where
a type does not apply."""

import pytest

from summarizer.error_injection import ERROR_TYPES, inject, inject_all
from summarizer.support_numbers import find_numbers
from summarizer.vocab import load_vocabulary

ZH_TRANSCRIPT = "咳嗽、发烧三天了。没有胸痛。吃阿莫西林，0.5克。右膝关节肿胀。"
EN_TRANSCRIPT = "My left knee hurts. No fever. Lisinopril 20 milligrams."


def values(text, language):
    return [q.value for q in find_numbers(text, language)]


@pytest.mark.parametrize("sentence, expected", [
    ("否认糖尿病。", "有糖尿病。"),
    ("无胸痛、气喘。", None),
    ("咳嗽、发热3天。", None),
    ("双肺未闻及湿啰音。", "双肺可闻及湿啰音。"),
])
def test_zh_negation_flips_the_polarity(sentence, expected):
    injection = inject(sentence, "negation", "zh", transcript=ZH_TRANSCRIPT)
    assert injection is not None and injection.type == "negation" and injection.original == sentence
    assert injection.text != sentence and injection.changed
    if expected:
        assert injection.text == expected
    if sentence.startswith("无"):
        assert injection.text.startswith("有")
    if sentence.startswith("咳嗽"):
        assert "无" in injection.text


@pytest.mark.parametrize("sentence, expected", [
    ("Denies fever.", "Reports fever."),
    ("No wheezes.", "Wheezes."),
    ("She reports chest pain.", "She denies chest pain."),
    ("Cough for 3 days.", "No cough for 3 days."),
    ("Denies fever but reports cough.", None),
])
def test_en_negation_flips_the_polarity(sentence, expected):
    injection = inject(sentence, "negation", "en", transcript=EN_TRANSCRIPT)
    assert injection is not None and injection.text != sentence, injection
    if expected:
        assert injection.text == expected
    elif "(cough)" in injection.changed:
        assert injection.text in ("Denies fever but denies cough.", "Denies fever but reports no cough.")
    else:
        assert injection.text == "Reports fever but reports cough."


def test_hedged_terms_are_not_flipped():
    assert inject("如有胸痛及时就诊。", "negation", "zh") is None
    assert inject("Return if fever develops.", "negation", "en") is None


@pytest.mark.parametrize("sentence, language, error_type, unchanged", [
    ("阿莫西林0.5克，每天三次，共5天。", "zh", "dose", {5.0}),
    ("阿莫西林0.5克，每天三次，共5天。", "zh", "duration", {0.5}),
    ("体温38.6℃，血压135/85mmHg。", "zh", "number", set()),
    ("Lisinopril 20 mg daily for 2 weeks.", "en", "dose", {2.0}),
    ("Lisinopril 20 mg daily for 2 weeks.", "en", "duration", {20.0}),
    ("Blood pressure 130/85, a 58-year-old man.", "en", "number", set()),
])
def test_quantities_change_one_value_of_the_right_kind(sentence, language, error_type, unchanged):
    injection = inject(sentence, error_type, language, seed=3)
    assert injection is not None and injection.type == error_type
    before, after = values(sentence, language), values(injection.text, language)
    assert before != after or injection.text != sentence
    assert unchanged <= set(after)
    assert "→" in injection.changed


def test_zero_values_change_too():
    for error_type, sentence in (("dose", "Tylenol 0 mg."), ("number", "Pain is 0/10 today.")):
        injection = inject(sentence, error_type, "en")
        assert injection is not None and injection.text != sentence


def test_chinese_numerals_stay_chinese_numerals():
    for seed in range(5):
        injection = inject("咳嗽三天。", "duration", "zh", seed=seed)
        assert injection is not None and injection.text != "咳嗽三天。"
        assert not any(c.isdigit() for c in injection.text) or "周" in injection.text


def test_dates_are_not_changed_as_numbers():
    assert inject("Seen on 11/24/2020.", "number", "en") is None
    assert inject("2019年做过支架。", "number", "zh") is None


def test_names_and_vague_amounts_are_not_changed():
    assert inject("Vaccinated for COVID-19; degeneration at C5-6.", "number", "en") is None
    assert inject("Follow up in a couple of days.", "duration", "en") is None


def test_a_changed_number_never_repeats_another_of_the_sentence():
    for seed in range(30):  # "1 to 2 days" must not become "2 to 2 days": that range states no new value
        injection = inject("Non-weight-bearing for 1 to 2 days, strength 4/5 and 5/5.", "number", "en", seed=seed)
        new = set(values(injection.text, "en")) - {1.0, 2.0, 4.0, 5.0}
        assert len(new) == 1, injection


@pytest.mark.parametrize("sentence, language", [
    ("咳嗽已消失。", "zh"),                      # already absent: 无咳嗽已消失 flips nothing
    ("Cough resolved.", "en"),
    ("无发热、乏力、纳差、头痛、头晕、腰痛、胸闷、咳嗽。", "zh"),  # far under 无: another 无 changes nothing
    ("Regarding his migraines, he is stable.", "en"),  # no place where "no" reads as meant
    ("He presents for follow-up for chest pain.", "en"),
])
def test_negation_is_not_injected_where_it_would_not_flip_the_meaning(sentence, language):
    for seed in range(5):
        injection = inject(sentence, "negation", language, seed=seed)
        assert injection is None or "（删除）" in injection.changed or "→" in injection.changed, injection


@pytest.mark.parametrize("sentence, expected", [
    ("He denies issues with migraines.", "He reports issues with migraines."),
    ("She is no longer suffering from back pain.", "She is still suffering from back pain."),
    ("The patient had a skin cancer removed.", "The patient had no skin cancer removed."),
    ("Calf tenderness.", "No calf tenderness."),
])
def test_en_negation_reads_as_a_flip(sentence, expected):
    assert inject(sentence, "negation", "en").text == expected


@pytest.mark.parametrize("sentence, language, transcript, old", [
    ("口服阿莫西林0.5克。", "zh", ZH_TRANSCRIPT, "阿莫西林"),
    ("Continue lisinopril 20 mg.", "en", EN_TRANSCRIPT, "lisinopril"),
])
def test_drug_swap_uses_a_drug_never_named(sentence, language, transcript, old):
    injection = inject(sentence, "drug", language, transcript=transcript)
    assert injection is not None and old not in injection.text.lower()
    new = injection.changed.split("→")[1].strip()
    assert new.lower() in load_vocabulary(language).items("drug") or new in load_vocabulary(language).items("drug")
    assert new.lower() not in transcript.lower()


@pytest.mark.parametrize("sentence, language, expected", [
    ("右膝关节肿胀。", "zh", "左膝关节肿胀。"),
    ("Left knee pain.", "en", "Right knee pain."),
    ("Pain on the right.", "en", "Pain on the left."),
])
def test_laterality_flips_the_side(sentence, language, expected):
    injection = inject(sentence, "laterality", language)
    assert injection is not None and injection.text == expected


def test_added_symptom_is_never_mentioned_in_the_conversation():
    for language, sentence, transcript in (("zh", "咳嗽三天。", ZH_TRANSCRIPT), ("en", "Cough for 3 days.", EN_TRANSCRIPT)):
        injection = inject(sentence, "added_symptom", language, transcript=transcript)
        assert injection is not None and injection.text.startswith(sentence[:-1])
        added = injection.changed.split()[-1]
        assert added not in transcript and added not in sentence
    zh = inject("咳嗽三天。", "added_symptom", "zh", transcript=ZH_TRANSCRIPT)
    assert zh.text.endswith("。") and "，伴" in zh.text


def test_types_that_do_not_apply_are_skipped():
    results = inject_all("The patient agrees with the plan.", "en")
    assert set(results) == set(ERROR_TYPES)
    assert all(results[t] is None for t in ("negation", "number", "duration", "dose", "drug", "laterality"))
    assert results["added_symptom"] is not None


def test_injection_is_deterministic_per_seed():
    sentence = "Lisinopril 20 mg and metformin 500 mg daily for 3 weeks, 58-year-old with a left knee effusion."
    first = inject_all(sentence, "en", seed=7)
    assert first == inject_all(sentence, "en", seed=7)
    others = [inject_all(sentence, "en", seed=s) for s in range(8)]
    assert len({str(o) for o in others}) > 1


def test_unknown_type_is_an_error():
    with pytest.raises(ValueError, match="error type"):
        inject("咳嗽。", "typo", "zh")
