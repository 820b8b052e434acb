"""Roles: dialogue cues (zh, en, companion, one speaker, short, silent), enrolled voices, the doctor's corrections."""

import json

import numpy as np
import pytest

from asr.types import Segment, Word
from diarization.attribution import group_utterances
from diarization.enrollment import (
    ProfileStore, VoiceProfile, calibrate_threshold, centroid, cosine, match_enrolled,
)
from diarization.roles import assign_roles, infer_roles, merge_speakers, set_role, swap_roles, with_roles
from diarization.types import LabelledTranscript, SpeakerTurn, Utterance

DIM = 192


def visit(*rows):
    """Utterances from (speaker, text) rows, 2 s each with 0.5 s between them."""
    return tuple(Utterance(f"u{n:03d}", speaker, "other", 2.5 * (n - 1), 2.5 * (n - 1) + 2.0, text)
                 for n, (speaker, text) in enumerate(rows, start=1))


def by_speaker(roles):
    return {r.speaker: r for r in roles}


ZH = visit(
    ("S1", "你好，请坐，哪里不舒服？"), ("S0", "医生，我咳嗽三天了，晚上咳得厉害。"), ("S1", "有没有发烧？"), ("S0", "没有。"),
    ("S1", "咳了多长时间了？有痰吗？"), ("S0", "有一点白痰。"), ("S1", "我听一下，深呼吸。"),
    ("S1", "我给你开点药，一天三次，注意休息，一周后复诊。"), ("S0", "好的，谢谢医生。"),
)
EN = visit(
    ("S0", "Good morning, doctor."), ("S1", "Good morning, have a seat. What brings you in today?"),
    ("S0", "I’ve been coughing for a week and my throat hurts."), ("S1", "Any fever or chills?"),
    ("S0", "No, not really."), ("S1", "Let me listen to your chest. Take a deep breath."),
    ("S1", "I'll prescribe an antibiotic, twice a day for five days, and follow up next week."),
    ("S0", "Thank you, doctor."),
)
CHILD = visit(
    ("D", "你好，请坐。孩子怎么了？"), ("M", "孩子昨天开始发烧，晚上烧到三十九度。"), ("D", "有没有咳嗽？"), ("M", "有点咳嗽。"),
    ("D", "宝宝，张嘴，啊。"), ("C", "啊。"), ("D", "嗓子疼不疼？"), ("C", "嗯，疼。"),
    ("D", "我给你开点退烧药，一天三次，三天后复诊。"), ("M", "好的，谢谢医生。"),
)


def test_typical_chinese_visit():
    roles = infer_roles(ZH)
    assert [(r.speaker, r.role) for r in roles] == [("S1", "doctor"), ("S0", "patient")]
    doctor, patient = roles
    assert doctor.reason.startswith('asks about symptoms ("哪里不舒服", "有没有", "多长时间了")')
    assert 'examines ("我听一下", "深呼吸")' in doctor.reason and '"一天三次"' in doctor.reason
    assert doctor.confidence > 0.8
    assert 'reports own symptoms ("我咳嗽")' in patient.reason and 'answers ("没有", "有")' in patient.reason


def test_english_visit_where_the_patient_speaks_first():
    roles = by_speaker(infer_roles(EN))
    assert (roles["S1"].role, roles["S0"].role) == ("doctor", "patient")
    assert '"what brings you"' in roles["S1"].reason and '"take a deep breath"' in roles["S1"].reason
    assert "greets first" not in roles["S1"].reason  # the first greeting was the patient's, addressed to the doctor
    assert '"i\'ve been"' in roles["S0"].reason and '"my throat hurts"' in roles["S0"].reason


def test_companion_speaking_for_a_child_is_other():
    roles = by_speaker(infer_roles(CHILD))
    assert {s: r.role for s, r in roles.items()} == {"D": "doctor", "M": "other", "C": "patient"}
    assert '"孩子昨天开始发烧"' in roles["M"].reason and roles["M"].reason.startswith("companion")
    assert 'greets first ("你好")' in roles["D"].reason


def test_one_speaker_decided_by_cues():
    patient = infer_roles(visit(("S0", "我这几天一直咳嗽，嗓子也疼，晚上睡不着。")))
    assert [(r.role, r.reason.startswith("only one speaker")) for r in patient] == [("patient", True)]
    assert '"我这几天一直咳嗽"' in patient[0].reason
    dictation = infer_roles(visit(("S0", "患者咳嗽三天，查体咽部充血，给予止咳药一天三次，一周后复诊。")))
    assert [(r.role, r.reason.startswith("only one speaker")) for r in dictation] == [("doctor", True)]


def test_visit_shorter_than_five_seconds():
    short = (Utterance("u001", "S0", "other", 0.0, 1.2, "你好，请坐。"), Utterance("u002", "S1", "other", 1.5, 2.3, "谢谢医生。"))
    assert [(r.speaker, r.role) for r in infer_roles(short)] == [("S0", "doctor"), ("S1", "patient")]
    one_word = infer_roles((Utterance("u001", "S0", "other", 0.0, 0.4, "好。"),))
    assert [(r.role, r.confidence) for r in one_word] == [("doctor", 0.4)]
    assert "no clear cues" in one_word[0].reason
    no_cues = infer_roles(visit(("S0", "好。"), ("S1", "好吗？")))
    assert [(r.speaker, r.role, r.reason) for r in no_cues] == [
        ("S0", "patient", "talks most with the doctor (1 exchanges, 2 s)"),
        ("S1", "doctor", "no clear doctor cues; asks the most questions")]
    answer = infer_roles((Utterance("u001", "S0", "other", 0.0, 0.4, "嗯。"),))
    assert [(r.role, r.reason) for r in answer] == [("patient", 'only one speaker; answers ("嗯")')]


def test_silence_gives_no_roles():
    assert infer_roles(()) == ()
    assert assign_roles((), {}, ()) == ()
    assert group_utterances((), ()) == ()


def test_end_to_end_from_segments_and_turns():
    words = [Word(0.0, 0.4, "请", 0.9), Word(0.4, 0.8, "坐", 0.9), Word(0.8, 1.6, "哪里不舒服", 0.9),
             Word(2.0, 2.3, "我", 0.9), Word(2.3, 2.9, "头疼", 0.9)]
    turns = [SpeakerTurn(0.0, 1.8, "SPEAKER_01"), SpeakerTurn(1.8, 3.0, "SPEAKER_00")]
    utterances = group_utterances([Segment(0.0, 2.9, "请坐哪里不舒服我头疼", tuple(words))], turns)
    roles = infer_roles(utterances)
    labelled = with_roles(utterances, roles)
    assert [(u.text, u.role) for u in labelled] == [("请坐哪里不舒服", "doctor"), ("我头疼", "patient")]


# ---- enrolled voices ---------------------------------------------------------------------------------------------

def voices(seed=0):
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=DIM) for name in ("doctor", "patient", "stranger")}


def samples(voice, n, rng, noise=0.6):
    return [voice + noise * rng.normal(size=DIM) for _ in range(n)]


def profile(name, embeddings, model="wespeaker-resnet34"):
    return VoiceProfile(name, centroid(embeddings), "2025-01-01T09:00:00", model, len(embeddings))


def test_enrolled_doctor_wins_even_when_cues_point_elsewhere():
    v, rng = voices(), np.random.default_rng(1)
    # S0 talks like a doctor, but S1 has the enrolled doctor's voice.
    swapped = visit(("S0", "你好，请坐，哪里不舒服？"), ("S1", "我咳嗽三天了。"), ("S0", "有没有发烧？"), ("S1", "没有。"))
    centroids = {"S0": centroid(samples(v["patient"], 4, rng)), "S1": centroid(samples(v["doctor"], 4, rng))}
    enrolled = [profile("王医生", samples(v["doctor"], 5, rng)), profile("李医生", samples(v["stranger"], 5, rng))]
    roles = by_speaker(assign_roles(swapped, centroids, enrolled, 0.5))
    assert (roles["S1"].role, roles["S1"].name, roles["S0"].role) == ("doctor", "王医生", "patient")
    assert roles["S1"].reason.startswith("voice matches enrolled doctor 王医生 (0.") and roles["S1"].confidence > 0.75
    assert roles["S0"].reason == "talks most with the doctor (3 exchanges, 4 s)"  # its doctor-like cues are ignored
    assert assign_roles(swapped, centroids, enrolled, 0.5)[0].speaker == "S0"  # order of first appearance


def test_match_below_threshold_falls_back_to_cues():
    v, rng = voices(), np.random.default_rng(2)
    centroids = {"S0": centroid(samples(v["patient"], 4, rng)), "S1": centroid(samples(v["doctor"], 4, rng))}
    stranger = [profile("李医生", samples(v["stranger"], 5, rng))]
    assert match_enrolled(centroids, stranger, 0.5) is None
    roles = by_speaker(assign_roles(ZH, centroids, stranger, 0.5))
    assert (roles["S1"].role, roles["S1"].name, roles["S0"].role) == ("doctor", "", "patient")
    assert roles["S1"].reason.startswith("asks about symptoms")


def test_profiles_of_another_model_or_size_are_skipped():
    v, rng = voices(), np.random.default_rng(3)
    centroids = {"S0": centroid(samples(v["doctor"], 4, rng))}
    same_voice = profile("王医生", samples(v["doctor"], 5, rng), model="other-model")
    assert match_enrolled(centroids, [same_voice], 0.5, model="wespeaker-resnet34") is None
    assert match_enrolled(centroids, [same_voice], 0.5).speaker == "S0"
    short = VoiceProfile("短", (1.0, 0.0), "2025-01-01", "wespeaker-resnet34", 1)
    assert match_enrolled(centroids, [short], 0.0) is None


def test_calibrate_threshold_at_the_equal_error_rate():
    assert calibrate_threshold([0.5, 0.7, 0.8, 0.9], [0.1, 0.2, 0.3, 0.6]) == pytest.approx(0.55)
    assert calibrate_threshold([0.8, 0.9], [0.1, 0.3]) == pytest.approx(0.55)  # separable: the middle of the gap
    with pytest.raises(ValueError):
        calibrate_threshold([], [0.1])
    rng = np.random.default_rng(4)
    people = [rng.normal(size=DIM) for _ in range(12)]
    same, different = [], []
    for i, voice in enumerate(people):
        a, b = samples(voice, 2, rng, noise=1.3)
        same.append(cosine(a, b))
        different.append(cosine(a, samples(people[(i + 1) % 12], 1, rng, noise=1.3)[0]))
    threshold = calibrate_threshold(same, different)
    assert np.mean(different) < threshold < np.mean(same)
    frr = np.mean(np.asarray(same) < threshold)
    far = np.mean(np.asarray(different) >= threshold)
    assert abs(frr - far) <= 1 / 12


def test_centroid_is_the_normalised_mean_of_normalised_vectors():
    c = centroid([[3.0, 0.0], [0.0, 0.5]])
    assert c == pytest.approx((2 ** -0.5, 2 ** -0.5))
    for bad in ([], [[0.0, 0.0]], [[1.0, 0.0], [1.0, 0.0, 0.0]], [[float("nan"), 1.0]]):
        with pytest.raises(ValueError):
            centroid(bad)


def test_profile_store_round_trip(tmp_path):
    store = ProfileStore(tmp_path / "voices")
    assert store.load_all() == ()
    wang = VoiceProfile("王医生", (0.6, 0.8), "2025-01-01T09:00:00", "wespeaker-resnet34", 5)
    odd = VoiceProfile("../Dr. O'Neil/x:y", (1.0, 0.0), "2025-01-02T09:00:00", "wespeaker-resnet34", 3)
    path = store.save(wang)
    odd_path = store.save(odd)
    assert path.parent == odd_path.parent == tmp_path / "voices"
    assert "/" not in odd_path.name and ":" not in odd_path.name and path.name.startswith("王医生-")
    assert json.loads(path.read_text(encoding="utf-8"))["name"] == "王医生"
    store.save(VoiceProfile("王医生", (0.0, 1.0), "2025-02-01T09:00:00", "wespeaker-resnet34", 8))
    loaded = store.load_all()
    assert [(p.name, p.embedding, p.samples) for p in loaded] == [
        ("../Dr. O'Neil/x:y", (1.0, 0.0), 3), ("王医生", (0.0, 1.0), 8)]
    assert sorted(p.name for p in (tmp_path / "voices").iterdir()) == sorted([path.name, odd_path.name])
    (tmp_path / "voices" / "broken.json").write_text("{not json", encoding="utf-8")
    assert len(store.load_all()) == 2
    assert store.remove("王医生") is True and store.remove("王医生") is False
    assert [p.name for p in store.load_all()] == ["../Dr. O'Neil/x:y"]
    with pytest.raises(ValueError):
        store.save(VoiceProfile("零", (0.0, 0.0), "2025-01-01", "m", 1))


# ---- the doctor's corrections ------------------------------------------------------------------------------------

def labelled(utterances):
    roles = infer_roles(utterances)
    return LabelledTranscript(with_roles(utterances, roles), roles, 30.0)


def test_swap_roles_relabels_every_utterance():
    before = labelled(ZH)
    after = swap_roles(before, "S0", "S1")
    assert {r.speaker: (r.role, r.confidence, r.reason) for r in after.roles} == {
        "S0": ("doctor", 1.0, "corrected by the doctor"), "S1": ("patient", 1.0, "corrected by the doctor")}
    assert [u.role for u in after.utterances] == [{"S0": "doctor", "S1": "patient"}[u.speaker] for u in ZH]
    assert [u.role for u in before.utterances][:2] == ["doctor", "patient"]  # the input is untouched
    with pytest.raises(ValueError):
        swap_roles(before, "S0", "S9")


def test_set_role_relabels_one_speaker():
    after = set_role(labelled(CHILD), "M", "patient")
    assert {r.speaker: r.role for r in after.roles} == {"D": "doctor", "M": "patient", "C": "patient"}
    assert [u.role for u in after.utterances if u.speaker == "M"] == ["patient"] * 3
    assert by_speaker(after.roles)["M"].reason == "corrected by the doctor"
    with pytest.raises(ValueError):
        set_role(after, "M", "nurse")


def test_merge_speakers_relabels_and_joins_adjacent_utterances():
    rows = [("A", 0.0, 2.0, "请坐。"), ("X", 2.3, 3.0, "哪里不舒服？"), ("B", 3.5, 5.0, "我咳嗽。"),
            ("X", 5.2, 6.0, "多久了？"), ("A", 6.5, 7.0, "我听一下。"), ("A", 9.0, 9.5, "深呼吸。")]
    utterances = tuple(Utterance(f"u{n:03d}", s, "other", a, b, t, flags=("low_confidence",) if s == "X" else ())
                       for n, (s, a, b, t) in enumerate(rows, start=1))
    transcript = labelled(utterances)
    merged = merge_speakers(transcript, keep="A", absorb="X")
    assert [(u.id, u.speaker, u.role, u.start, u.end, u.text) for u in merged.utterances] == [
        ("u001", "A", "doctor", 0.0, 3.0, "请坐。哪里不舒服？"), ("u003", "B", "patient", 3.5, 5.0, "我咳嗽。"),
        ("u004", "A", "doctor", 5.2, 7.0, "多久了？我听一下。"), ("u006", "A", "doctor", 9.0, 9.5, "深呼吸。")]
    assert merged.utterances[0].flags == ("low_confidence",)
    assert merged.provenance["merged_utterances"] == {"u002": "u001", "u005": "u004"}
    assert [(r.speaker, r.role, r.reason) for r in merged.roles if r.speaker == "A"] == [
        ("A", "doctor", "corrected by the doctor")]
    assert "X" not in {r.speaker for r in merged.roles}
    with pytest.raises(ValueError):
        merge_speakers(transcript, "A", "A")
