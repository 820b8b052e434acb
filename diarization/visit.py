"""From audio to a role-labelled transcript: ASR and diarization fed together, then attribution and roles.

A recording is decoded block by block and pushed through the same live pipeline a recorded visit uses
(:class:`asr.StreamingTranscriber` and :class:`~diarization.diarize.IncrementalDiarizer`), so an imported file and
a live visit are processed identically and memory stays bounded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from asr.types import Transcript, to_dict
from diarization.attribution import group_utterances
from diarization.corrections import with_roles
from diarization.enrollment import DEFAULT_MATCH_THRESHOLD, VoiceProfile
from diarization.roles import assign_roles
from diarization.types import DiarizationOptions, DiarizationResult, LabelledTranscript

__all__ = ["label_transcript", "process_visit_file"]


def label_transcript(
    transcript: Transcript,
    diarization: DiarizationResult,
    *,
    profiles: Sequence[VoiceProfile] = (),
    threshold: float = DEFAULT_MATCH_THRESHOLD,
    max_pause: float = 1.0,
) -> LabelledTranscript:
    """Attribute the transcript's words to speakers, group them into utterances and give each speaker a role.

    Args:
        transcript: The ASR result.
        diarization: Speaker turns (exclusive turns are used) and centroids.
        profiles: Enrolled doctor voices.
        threshold: Cosine similarity an enrolled voice must reach.
        max_pause: A longer pause between words of one speaker starts a new utterance.

    Returns:
        The labelled transcript; empty (no utterances, no roles) when there was no speech.
    """
    utterances = group_utterances(transcript.segments, diarization.turns, max_pause=max_pause)
    roles = assign_roles(utterances, diarization.centroids, profiles, threshold, model=diarization.model.get("name"))
    return LabelledTranscript(
        utterances=with_roles(utterances, roles),
        roles=roles,
        duration=max(transcript.duration, diarization.duration),
        language=transcript.language or "zh",
        provenance={
            "asr": {"model": to_dict(transcript.model), "options": to_dict(transcript.options),
                    "dropped_segments": len(transcript.dropped), "warnings": list(transcript.warnings)},
            "diarization": {"model": dict(diarization.model), "options": to_dict(diarization.options),
                            "speakers": list(diarization.speakers)},
        },
    )


def process_visit_file(
    asr_engine,
    diarization_engine,
    path: str | os.PathLike,
    *,
    asr_options=None,
    diarization_options: DiarizationOptions | None = None,
    profiles: Sequence[VoiceProfile] = (),
    progress: Callable[[float], None] | None = None,
) -> LabelledTranscript:
    """Run the whole audio → labelled transcript path on a recording.

    Raises:
        asr.AudioError: The file cannot be read.
    """
    from asr.audio import AudioFile
    from asr.transcriber import StreamingTranscriber
    from diarization.diarize import IncrementalDiarizer

    audio = AudioFile(path)
    stream = StreamingTranscriber(asr_engine, asr_options)
    diarizer = IncrementalDiarizer(diarization_engine, diarization_options)
    for block in audio.blocks():
        stream.push(block)
        diarizer.push(block)
        if progress and audio.duration:
            progress(min(0.9, 0.9 * audio.decoded_seconds / audio.duration))
    stream.finish()
    diarization = diarizer.finish()
    if progress:
        progress(1.0)
    return label_transcript(stream.result(tuple(audio.warnings)), diarization, profiles=profiles)
