"""Numbers of English record sentences held against spoken visits: vital signs said without units, scale tops that
speech leaves out, ranges, and sides or compound terms said in other sentences. Each test holds a sentence that
must be supported and a variant that must be flagged (found by the adjudicated flags and the missed injections)."""

import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.support_numbers import find_numbers
from support_visits import verdict, visit


@pytest.mark.parametrize("text, expected", [
    ("SpO2: 99%.", [(99.0, "%", "percent")]),
    ("20 breaths per minute", [(20.0, "breaths", "rate")]),
    ("80 beats per minute", [(80.0, "bpm", "rate")]),
    ("a hundred and forty over over seventy", [(140.0, "mmhg", "pressure"), (70.0, "mmhg", "pressure")]),
    ("glucose of 170 mg/dl", [(170.0, "mg/dl", "level")]),
    ("metformin 500 mg", [(500.0, "mg", "dose")]),
    ("still in the two hundreds", [(200.0, "", "number")]),
])
def test_units_are_read_after_a_number(text, expected):
    assert [(q.value, q.unit, q.cls) for q in find_numbers(text.lower(), "en")] == expected


VITALS = visit(("doctor", "okay so looking at your vitals your blood pressure was two hundred over ninety in the er"),
               ("patient", "yeah it was scary"),
               ("doctor", "today your blood pressure is pretty good it looks like it's one twenty eight over seventy "
                          "two and your heart rate is nice and slow at sixty seven and your respiratory rate is "
                          "pretty normal at like eighteen and your o2 sat is ninety nine percent"))


@pytest.mark.parametrize("sentence, variant", [
    ("Blood pressure is 128/72 mm Hg.", "Blood pressure is 138/72 mm Hg."),
    ("Heart Rate: 67 beats per minute.", "Heart Rate: 18 beats per minute."),
    ("HR: 67 bpm.", "HR: 77 bpm."),
    ("Respiratory Rate: 18 breaths per minute.", "Respiratory Rate: 67 breaths per minute."),
    ("SpO2: 99%.", "SpO2: 95%."),
])
def test_a_vital_sign_said_without_its_unit_supports_the_value_after_its_name(sentence, variant):
    assert verdict(sentence, VITALS).verdict == "supported"
    assert verdict(variant, VITALS).verdict != "supported"


def test_the_top_of_a_scale_need_not_be_said():
    said = visit(("doctor", "on your heart exam i do appreciate a grade 2 systolic ejection murmur"),
                 ("doctor", "what would you say your pain is?"), ("patient", "typically it's around 6"))
    assert verdict("Grade 2/6 systolic ejection murmur.", said).verdict == "supported"
    assert verdict("Grade 3/6 systolic ejection murmur.", said).verdict != "supported"
    assert verdict("The pain level is 6/10.", said).verdict == "supported"


@pytest.mark.parametrize("said, sentence, variants", [
    ("take the motrin every six to eight hours with food", "Motrin every 6 to 8 hours.",
     ["Motrin every 7 to 8 hours.", "Motrin every 5 to 8 hours."]),
    ("i'd like to see you back here in seven to ten days", "Follow up in 7 to 10 days.",
     ["Follow up in 7 to 12 days."]),
    ("stay off the leg for a couple of weeks", "Avoid strenuous activities for 2-3 weeks.",
     ["Avoid strenuous activities for 4-5 weeks."]),
    ("i'd like you to do physical therapy for six to eight weeks", "Physical therapy for 6 to 8 weeks.",
     ["Physical therapy for 6 to 8 months."]),
])
def test_a_range_needs_both_ends_said(said, sentence, variants):
    utterances = visit(("doctor", said))
    assert verdict(sentence, utterances).verdict == "supported"
    for variant in variants:
        assert verdict(variant, utterances).verdict != "supported"


def test_a_side_said_not_to_be_affected_does_not_support_it():
    said = visit(("doctor", "where is the pain?"),
                 ("patient", "no it's just on the right side mostly not on the left side, just on the right side"))
    assert verdict("Pain on the right side.", said).verdict == "supported"
    assert verdict("Pain on the left side.", said).verdict == "contradicted"


def test_the_parts_of_a_compound_term_are_looked_for_within_one_sentence():
    said = visit(("doctor", "update pe abdomen. no flank pain. normal exam."))
    assert verdict("The patient reports abdominal pain.", said).code == "unmentioned"
    told = visit(("patient", "my abdomen has been giving me pain since monday."))
    assert verdict("The patient reports abdominal pain.", told).verdict == "supported"


def test_a_spoken_range_shares_its_scale_word():
    assert {q.value for q in find_numbers("trending in the three to four hundreds", "en")} >= {300.0, 400.0}
    said = visit(("patient", "my sugars have been trending in the three to four hundreds, one spike at like five or "
                             "six hundred"))
    assert verdict("Blood sugar trending in the 300 to 400's.", said).verdict == "supported"
    assert verdict("A blood sugar spike to 500.", said).verdict == "supported"
    assert verdict("A blood sugar spike to 700.", said).verdict != "supported"


def test_a_loose_reading_does_not_depend_on_the_hash_seed():
    script = ("from diarization.types import Utterance\nfrom summarizer.support import check_sentence\n"
              "said = (Utterance('u01', 'patient', 'patient', 0.0, 1.0, \"nope no shortness of breath i can get up "
              "and move around i don't have any trouble and no problem sleeping i do have a good appetite\"),)\n"
              "print(check_sentence('SpO2: 99%, and reports insomnia.', said, 'en').verdict)\n")
    root = Path(__file__).resolve().parents[1]
    verdicts = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root,
                               env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout.strip() for seed in ("1", "2", "3", "4")}
    assert len(verdicts) == 1 and verdicts != {"supported"}
