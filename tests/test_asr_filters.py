"""Whisper's failure modes: phantom phrases, repetition loops, low confidence, non-speech."""

from asr.filters import apply_filters, find_loop
from asr.types import FilterOptions, Segment, Word

OPTS = FilterOptions()


def seg(text, logprob=-0.3, no_speech=0.05, ratio=1.2, words=()):
    return Segment(0.0, 2.0, text, tuple(words), logprob, no_speech, ratio, "zh")


def test_subtitle_credit_phantoms_are_dropped():
    kept, dropped = apply_filters([seg("字幕由Amara.org社区提供"), seg("谢谢观看！"), seg("Thank you for watching.")], OPTS)
    assert kept == []
    assert {d.reason for d in dropped} == {"phantom phrase"}


def test_real_thanks_in_a_visit_is_kept():
    kept, _ = apply_filters([seg("谢谢医生，我知道了。"), seg("谢谢")], OPTS)
    assert [k.text for k in kept] == ["谢谢医生，我知道了。", "谢谢"]


def test_weak_thanks_on_non_speech_is_dropped():
    kept, dropped = apply_filters([seg("谢谢", logprob=-1.5, no_speech=0.5)], OPTS)
    assert kept == [] and dropped[0].reason == "phantom phrase"


def test_repetition_loop_is_cut_back_and_marked():
    kept, _ = apply_filters([seg("我咳嗽三天了" + "晚上咳得厉害" * 6, ratio=3.1)], OPTS)
    assert kept[0].text == "我咳嗽三天了晚上咳得厉害"
    assert "repetition_trimmed" in kept[0].flags


def test_english_word_loop():
    kept, _ = apply_filters([seg("I have a cough the cough the cough the cough the cough")], OPTS)
    assert kept[0].text == "I have a cough the cough"


def test_natural_short_repetition_is_not_a_loop():
    assert find_loop("对对对，是这样") is None
    kept, _ = apply_filters([seg("好好好，我知道了")], OPTS)
    assert kept[0].text == "好好好，我知道了" and kept[0].flags == ()


def test_loop_trimming_keeps_the_words_outside_the_loop():
    words = [Word(i * 0.2, i * 0.2 + 0.2, ch, 0.9) for i, ch in enumerate("头痛啊啊啊啊啊啊好")]
    kept, _ = apply_filters([seg("头痛啊啊啊啊啊啊好", words=words)], OPTS)
    assert kept[0].text == "头痛啊好"
    assert "".join(w.text for w in kept[0].words) == "头痛啊好"


def test_segment_repeating_the_previous_one_is_dropped():
    kept, dropped = apply_filters([seg("有没有发烧？"), seg("有没有发烧？")], OPTS)
    assert len(kept) == 1 and dropped[0].reason == "repeats the previous segment"
    kept, _ = apply_filters([seg("有没有发烧？")], OPTS, previous_text="有没有发烧？")
    assert kept == []


def test_low_confidence_is_marked_not_hidden():
    kept, _ = apply_filters([seg("阿莫西林", logprob=-1.6)], OPTS)
    assert kept[0].flags == ("low_confidence",)
    words = [Word(0, 1, "阿", 0.05), Word(1, 2, "莫", 0.1)]
    kept, _ = apply_filters([seg("阿莫", words=words)], OPTS)
    assert "low_confidence" in kept[0].flags


def test_non_speech_decoded_as_text_is_dropped():
    kept, dropped = apply_filters([seg("嗯嗯", logprob=-1.4, no_speech=0.9)], OPTS)
    assert kept == [] and dropped[0].reason == "no speech"


def test_confident_speech_passes_unchanged():
    original = seg("体温三十八度二，双肺呼吸音粗。")
    kept, dropped = apply_filters([original], OPTS)
    assert kept == [original] and dropped == []


def test_filters_can_be_switched_off():
    kept, _ = apply_filters([seg("谢谢观看")], FilterOptions(drop_phantom_phrases=False))
    assert kept[0].text == "谢谢观看"
