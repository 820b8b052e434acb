"""Small role-labelled visits and one-call support verdicts, shared by the support-check tests."""

from diarization.types import Utterance
from summarizer.support import check_sentence, index_transcript


def visit(*lines):
    """Utterances u01, u02... from (role, text) pairs, two seconds apart."""
    return tuple(Utterance(f"u{i:02d}", role, role, float(2 * i), 2 * i + 1.5, text)
                 for i, (role, text) in enumerate(lines, 1))


def verdict(text, utterances, language="en"):
    """The support check of one sentence against the visit."""
    return check_sentence(text, utterances, language, index=index_transcript(utterances, language))
