"""Audio → role-labelled transcript with the tiny models, and enrollment with controlled embeddings."""

import dataclasses

import numpy as np

from asr.types import Segment, Transcript, TranscriptionOptions, Word
from audio_fixtures import write_audio
from diarization.enrollment import VoiceProfile, centroid
from diarization.types import DiarizationResult, SpeakerTurn
from diarization.visit import label_transcript, process_visit_file

DETERMINISTIC = TranscriptionOptions(beam_size=1, temperatures=(0.0,))


def test_visit_file_gives_role_labelled_utterances(engine, diar_engine, visit_audio, tmp_path):
    path = write_audio(tmp_path / "visit.flac", np.concatenate([visit_audio] * 2))
    progress = []
    transcript = process_visit_file(engine, diar_engine, path, asr_options=DETERMINISTIC, progress=progress.append)
    assert transcript.utterances and transcript.roles
    assert progress[-1] == 1.0
    speakers = {r.speaker for r in transcript.roles}
    for utterance in transcript.utterances:
        assert utterance.speaker in speakers
        assert utterance.role in ("doctor", "patient", "other")
        assert utterance.words and utterance.start <= utterance.end
    assert [u.id for u in transcript.utterances] == [f"u{i:03d}" for i in range(1, len(transcript.utterances) + 1)]
    assert transcript.provenance["diarization"]["model"]["mode"] == "incremental"
    assert transcript.provenance["asr"]["model"]["compute_type"] == "int8"


def test_silent_visit_gives_an_empty_transcript(engine, diar_engine, tmp_path):
    path = write_audio(tmp_path / "quiet.wav", np.zeros(16000 * 15, dtype=np.float32))
    transcript = process_visit_file(engine, diar_engine, path, asr_options=DETERMINISTIC)
    assert transcript.utterances == () and transcript.roles == ()


def _transcript(lines):
    segments = []
    for start, text in lines:
        words = tuple(Word(start + i * 0.2, start + i * 0.2 + 0.2, ch, 0.9) for i, ch in enumerate(text))
        segments.append(Segment(start, words[-1].end, text, words, -0.2, 0.01, 1.1, "zh"))
    info = None
    return Transcript(tuple(segments), 30.0, "zh", 1.0, False, DETERMINISTIC, info)


def test_enrolled_voice_makes_its_speaker_the_doctor_against_the_cues():
    # SPEAKER_01 talks like a doctor, but SPEAKER_00's voice is the enrolled doctor's.
    transcript = _transcript([(0.0, "我咳嗽三天了"), (3.0, "哪里不舒服多长时间了"), (8.0, "我给你开点药")])
    turns = (SpeakerTurn(0.0, 2.5, "SPEAKER_00"), SpeakerTurn(2.9, 10.0, "SPEAKER_01"))
    rng = np.random.default_rng(3)
    doctor_voice, other_voice = rng.standard_normal(64), rng.standard_normal(64)
    centroids = {"SPEAKER_00": tuple(doctor_voice + 0.1 * rng.standard_normal(64)),
                 "SPEAKER_01": tuple(other_voice)}
    diarization = DiarizationResult(turns, turns, ("SPEAKER_00", "SPEAKER_01"), centroids, 30.0,
                                    model={"name": "tiny"})
    profile = VoiceProfile("王医生", centroid([doctor_voice]), "2026-11-21T00:00:00+00:00", "tiny", 5)
    labelled = label_transcript(transcript, diarization, profiles=[profile])
    roles = {r.speaker: r for r in labelled.roles}
    assert roles["SPEAKER_00"].role == "doctor" and roles["SPEAKER_00"].name == "王医生"
    assert roles["SPEAKER_01"].role != "doctor"
    assert {u.role for u in labelled.utterances if u.speaker == "SPEAKER_00"} == {"doctor"}
    # Without the profile, the cues decide the other way.
    unenrolled = label_transcript(transcript, diarization)
    assert {r.speaker: r.role for r in unenrolled.roles}["SPEAKER_01"] == "doctor"


def test_profile_from_another_model_is_not_used():
    transcript = _transcript([(0.0, "哪里不舒服"), (3.0, "我头疼")])
    turns = (SpeakerTurn(0.0, 2.5, "A"), SpeakerTurn(2.9, 10.0, "B"))
    voice = np.ones(8)
    diarization = DiarizationResult(turns, turns, ("A", "B"), {"A": tuple(-voice), "B": tuple(voice)}, 10.0,
                                    model={"name": "model-x"})
    profile = dataclasses.replace(VoiceProfile("李医生", tuple(voice / np.sqrt(8)), "t", "model-y", 3))
    labelled = label_transcript(transcript, diarization, profiles=[profile])
    assert {r.speaker: r.role for r in labelled.roles}["A"] == "doctor"  # cues, not the foreign profile
