"""Words to speakers (largest overlap, nearest turn, no turns) and words to utterances (pauses, joining, flags)."""

import random
import time

import pytest

from asr.types import Segment, Word
from diarization.attribution import assign_words, group_utterances, join_words
from diarization.types import SpeakerTurn

A, B = "SPEAKER_00", "SPEAKER_01"


def w(start, end, text="x"):
    return Word(start, end, text, 0.9)


def seg(words, flags=(), text=None):
    words = tuple(words)
    start = words[0].start if words else 0.0
    end = words[-1].end if words else 0.0
    return Segment(start, end, text if text is not None else "".join(x.text for x in words).strip(), words,
                   flags=tuple(flags))


def brute_force(words, turns):
    """The O(W*T) reference: largest overlap, else smallest gap; ties go to the earlier turn."""
    turns = sorted(t for t in turns if t.end > t.start)
    out = []
    for word in words:
        overlaps = [min(t.end, word.end) - max(t.start, word.start) for t in turns]
        best = max(range(len(turns)), key=lambda i: (overlaps[i], -i))
        if overlaps[best] <= 0:
            gaps = [max(0.0, t.start - word.end, word.start - t.end) for t in turns]
            best = min(range(len(turns)), key=lambda i: (gaps[i], i))
        out.append(turns[best].speaker)
    return out


def test_word_goes_to_the_turn_it_overlaps_most():
    turns = [SpeakerTurn(0.0, 2.0, A), SpeakerTurn(2.0, 4.0, B)]
    words = [w(0.5, 0.9), w(1.5, 2.2), w(1.9, 2.6), w(3.0, 3.5)]
    assert assign_words(words, turns) == [A, A, B, B]


def test_word_outside_every_turn_goes_to_the_nearest():
    turns = [SpeakerTurn(5.0, 6.0, B), SpeakerTurn(0.0, 1.0, A)]  # unsorted on purpose
    words = [w(2.0, 2.5), w(4.0, 4.5), w(2.5, 3.5), w(-1.0, -0.5), w(9.0, 9.5)]
    # gaps: 1.0 vs 2.5 -> A; 3.0 vs 0.5 -> B; 1.5 vs 1.5 -> the earlier turn; before all -> A; after all -> B
    assert assign_words(words, turns) == [A, B, A, A, B]


def test_no_turns_means_one_speaker():
    words = [w(0.0, 0.3), w(0.4, 0.8)]
    assert assign_words(words, []) == ["SPEAKER_00", "SPEAKER_00"]
    utterances = group_utterances([seg([w(0.0, 0.3, "我"), w(0.4, 0.8, "好")])], [])
    assert [(u.speaker, u.text) for u in utterances] == [("SPEAKER_00", "我好")]


def test_word_in_an_overlap_region_goes_to_the_speaker_with_more_overlap():
    # Exclusive turns: the overlap 4.5-5.0 was given to A by the diarization.
    exclusive = [SpeakerTurn(0.0, 5.0, A), SpeakerTurn(5.0, 8.0, B)]
    assert assign_words([w(4.6, 5.2), w(4.9, 5.5)], exclusive) == [A, B]
    # Overlapping turns still work: A overlaps 0.8 s, B 1.3 s.
    overlapping = [SpeakerTurn(0.0, 5.0, A), SpeakerTurn(4.0, 8.0, B)]
    assert assign_words([w(4.2, 5.5), w(3.0, 4.4)], overlapping) == [B, A]


def test_a_long_turn_overlapping_later_ones_is_still_found():
    turns = [SpeakerTurn(0.0, 100.0, A), SpeakerTurn(10.0, 11.0, B), SpeakerTurn(99.0, 99.2, B),
             SpeakerTurn(100.0, 101.0, "SPEAKER_02")]
    words = [w(50.0, 51.0), w(10.1, 10.9), w(99.8, 100.9), w(120.0, 121.0), w(150.0, 150.5)]
    # 10.1-10.9 overlaps A and B equally: the earlier turn wins; a word after every turn
    # goes to the turn that ends last
    assert assign_words(words, turns[:3]) == [A, A, A, A, A]
    assert assign_words(words, turns) == [A, A, "SPEAKER_02", "SPEAKER_02", "SPEAKER_02"]


@pytest.mark.parametrize("exclusive", [True, False])
def test_matches_the_brute_force_reference_on_random_visits(exclusive):
    rng = random.Random(7 if exclusive else 8)
    turns, t = [], 0.0
    for _ in range(300):
        start = t + rng.uniform(0.0, 2.0)
        end = start + rng.uniform(0.1, 6.0)
        turns.append(SpeakerTurn(round(start, 2), round(end, 2), rng.choice([A, B, "SPEAKER_02"])))
        t = end if exclusive else start + rng.uniform(0.0, 3.0)
    words = []
    for _ in range(2000):
        start = rng.uniform(-5.0, t + 5.0)
        words.append(w(round(start, 2), round(start + rng.uniform(0.05, 1.5), 2)))
    assert assign_words(words, turns) == brute_force(words, turns)


def test_long_visit_is_fast():
    turns = [SpeakerTurn(i * 2.0, i * 2.0 + 1.9, A if i % 2 else B) for i in range(5000)]
    words = [w(i * 0.2, i * 0.2 + 0.15) for i in range(50000)]
    began = time.perf_counter()
    speakers = assign_words(words, turns)
    assert time.perf_counter() - began < 5.0  # the O(W*T) loop would take minutes
    assert speakers[0] == B and speakers[10] == A and speakers[-1] == A


def test_pause_longer_than_max_pause_splits_an_utterance():
    turns = [SpeakerTurn(0.0, 10.0, A)]
    words = [w(0.0, 0.5, "我"), w(0.6, 1.0, "咳"), w(2.5, 3.0, "嗽")]
    split = group_utterances([seg(words)], turns)
    assert [(u.id, u.text, u.start, u.end) for u in split] == [("u001", "我咳", 0.0, 1.0), ("u002", "嗽", 2.5, 3.0)]
    joined = group_utterances([seg(words)], turns, max_pause=2.0)
    assert [(u.id, u.text, u.end) for u in joined] == [("u001", "我咳嗽", 3.0)]


def test_speaker_change_splits_and_roles_come_from_the_mapping():
    turns = [SpeakerTurn(0.0, 2.0, A), SpeakerTurn(2.0, 4.0, B), SpeakerTurn(4.0, 6.0, "SPEAKER_02")]
    words = [w(0.1, 0.5, "哪"), w(0.5, 0.9, "里"), w(2.1, 2.5, "头"), w(2.5, 2.9, "疼"), w(4.2, 4.6, "嗯")]
    utterances = group_utterances([seg(words)], turns, roles={A: "doctor", B: "patient"})
    assert [(u.id, u.speaker, u.role, u.text) for u in utterances] == [
        ("u001", A, "doctor", "哪里"), ("u002", B, "patient", "头疼"), ("u003", "SPEAKER_02", "other", "嗯")]
    assert [x.text for x in utterances[1].words] == ["头", "疼"]


def test_chinese_english_and_mixed_words_are_joined_as_written():
    assert join_words(["我", "咳", "嗽", "三", "天", "了", "。"]) == "我咳嗽三天了。"
    assert join_words([" I", " have", " a", " cough."]) == "I have a cough."
    assert join_words(["做", "个", " CT", " 检", "查", "，", " OK"]) == "做个CT检查，OK"
    assert join_words([" I", "'m", " fine", " "]) == "I'm fine"


def test_segments_without_word_timings_become_pseudo_words():
    turns = [SpeakerTurn(0.0, 9.0, A)]
    en = group_utterances([Segment(0.0, 2.0, "I have a cough."), Segment(2.2, 4.0, "It started Monday.")], turns)
    assert [u.text for u in en] == ["I have a cough. It started Monday."]
    zh = group_utterances([Segment(0.0, 2.0, "我咳嗽。"), Segment(2.2, 4.0, "三天了。"), Segment(4.1, 4.5, "  ")], turns)
    assert [(u.text, u.start, u.end, len(u.words)) for u in zh] == [("我咳嗽。三天了。", 0.0, 4.0, 2)]


def test_segment_flags_are_carried_to_the_utterances_holding_its_words():
    turns = [SpeakerTurn(0.0, 2.0, A), SpeakerTurn(2.0, 5.0, B), SpeakerTurn(5.0, 9.0, A)]
    s1 = seg([w(0.2, 0.6, "发"), w(0.6, 1.0, "烧"), w(2.2, 2.6, "没"), w(2.6, 3.0, "有")], flags=["low_confidence"])
    s2 = seg([w(3.2, 3.6, "不"), w(3.6, 4.0, "烧")], flags=["repetition_trimmed"])
    s3 = seg([w(5.5, 5.9, "好")])
    utterances = group_utterances([s1, s2, s3], turns)
    assert [(u.speaker, u.text, u.flags) for u in utterances] == [
        (A, "发烧", ("low_confidence",)),
        (B, "没有不烧", ("low_confidence", "repetition_trimmed")),
        (A, "好", ()),
    ]


def test_no_segments_give_no_utterances():
    assert group_utterances([], [SpeakerTurn(0.0, 1.0, A)]) == ()
    assert assign_words([], []) == []
