"""The doctor's corrections to speakers and roles, as pure functions on a :class:`LabelledTranscript`.

Every correction re-labels every utterance from the updated roles, and the changed assignments say
``"corrected by the doctor"`` with confidence 1.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from diarization.attribution import join_words
from diarization.types import ROLES, LabelledTranscript, RoleAssignment, Utterance

__all__ = ["CORRECTED", "with_roles", "swap_roles", "set_role", "merge_speakers"]

CORRECTED = "corrected by the doctor"


def with_roles(utterances: Sequence[Utterance], roles: Sequence[RoleAssignment]) -> tuple[Utterance, ...]:
    """Utterances with the role of their speaker (``"other"`` for a speaker without an assignment)."""
    by_speaker = {r.speaker: r.role for r in roles}
    return tuple(
        u if u.role == by_speaker.get(u.speaker, "other") else replace(u, role=by_speaker.get(u.speaker, "other"))
        for u in utterances
    )


def _speakers(transcript: LabelledTranscript) -> set[str]:
    return {r.speaker for r in transcript.roles} | {u.speaker for u in transcript.utterances}


def _check(transcript: LabelledTranscript, *speakers: str) -> None:
    known = _speakers(transcript)
    for speaker in speakers:
        if speaker not in known:
            raise ValueError(f"no speaker {speaker!r} in this visit (speakers: {', '.join(sorted(known))})")


def _assignment(transcript: LabelledTranscript, speaker: str) -> RoleAssignment:
    for r in transcript.roles:
        if r.speaker == speaker:
            return r
    role = next((u.role for u in transcript.utterances if u.speaker == speaker), "other")
    return RoleAssignment(speaker, role, 0.0, "")


def _relabel(transcript: LabelledTranscript, changed: dict[str, RoleAssignment]) -> LabelledTranscript:
    roles = [changed.pop(r.speaker, r) for r in transcript.roles]
    roles.extend(changed.values())  # speakers that had no assignment yet
    return replace(transcript, roles=tuple(roles), utterances=with_roles(transcript.utterances, roles))


def swap_roles(transcript: LabelledTranscript, speaker_a: str, speaker_b: str) -> LabelledTranscript:
    """Exchange the roles of two speakers (the enrolled doctor's name goes with the doctor role).

    Raises:
        ValueError: When a speaker is not in the visit.
    """
    _check(transcript, speaker_a, speaker_b)
    a, b = _assignment(transcript, speaker_a), _assignment(transcript, speaker_b)
    return _relabel(transcript, {
        speaker_a: RoleAssignment(speaker_a, b.role, 1.0, CORRECTED, b.name),
        speaker_b: RoleAssignment(speaker_b, a.role, 1.0, CORRECTED, a.name),
    })


def set_role(transcript: LabelledTranscript, speaker: str, role: str) -> LabelledTranscript:
    """Give one speaker a role; other speakers keep theirs (a visit may have two doctors).

    Raises:
        ValueError: When the role is not one of :data:`~diarization.types.ROLES` or the speaker is not in the visit.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    _check(transcript, speaker)
    old = _assignment(transcript, speaker)
    name = old.name if role == old.role == "doctor" else ""
    return _relabel(transcript, {speaker: RoleAssignment(speaker, role, 1.0, CORRECTED, name)})


def _merge_two(first: Utterance, second: Utterance) -> Utterance:
    return replace(
        first,
        end=max(first.end, second.end),
        text=join_words([first.text, " " + second.text]),
        words=first.words + second.words,
        flags=tuple(dict.fromkeys(first.flags + second.flags)),
    )


def merge_speakers(
    transcript: LabelledTranscript, keep: str, absorb: str, *, max_pause: float = 1.0
) -> LabelledTranscript:
    """Merge two speaker clusters that are one person.

    The absorbed speaker's utterances take the kept label and role, and its assignment is dropped. Consecutive
    utterances of one speaker separated by at most ``max_pause`` seconds become one. Ids stay stable: a merged
    utterance keeps the id of its first part, the ids of the later parts disappear, and
    ``provenance["merged_utterances"]`` maps each vanished id to the id that now holds its words (so evidence that
    cites it can be followed). No id is renumbered.

    Raises:
        ValueError: When ``keep == absorb`` or a speaker is not in the visit.
    """
    if keep == absorb:
        raise ValueError("cannot merge a speaker with itself")
    _check(transcript, keep, absorb)
    kept = _assignment(transcript, keep)
    merged_ids = dict(transcript.provenance.get("merged_utterances", {}))
    utterances: list[Utterance] = []
    for u in transcript.utterances:
        if u.speaker == absorb:
            u = replace(u, speaker=keep)
        previous = utterances[-1] if utterances else None
        if previous is not None and previous.speaker == u.speaker and u.start - previous.end <= max_pause:
            utterances[-1] = _merge_two(previous, u)
            merged_ids[u.id] = previous.id
            merged_ids.update({old: previous.id for old, new in merged_ids.items() if new == u.id})
        else:
            utterances.append(u)
    corrected = RoleAssignment(keep, kept.role, 1.0, CORRECTED, kept.name)
    roles = [corrected if r.speaker == keep else r for r in transcript.roles if r.speaker != absorb]
    if corrected not in roles:
        roles.append(corrected)
    provenance = {**transcript.provenance, "merged_utterances": merged_ids} if merged_ids else transcript.provenance
    return replace(transcript, utterances=with_roles(utterances, roles), roles=tuple(roles), provenance=provenance)
