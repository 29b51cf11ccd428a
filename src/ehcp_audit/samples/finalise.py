"""Cuts a simulated history down to what an export taken on the end date holds.

What is kept is what the importer accepts (RULES.md "Rejected rows"):
nothing after the end date, nothing but appeals and voids after the plan
ceased, nothing else on or before the plan's date, post-meeting steps only
after a meeting, voids only of entries that exist and are unambiguous (the
mistaken entry is the only one of its action and date, apart from its own
correction, which is recorded after it), and no accidental duplicate rows.
"""

from __future__ import annotations

import random
from collections import Counter

from ehcp_audit.domain.vocabulary import ALLOWED_AFTER_CEASE, NOT_RECORDED, POST_MEETING
from ehcp_audit.samples import distributions as dist
from ehcp_audit.samples.dates import working_day
from ehcp_audit.samples.distributions import between
from ehcp_audit.samples.model import ChildHistory, SampleEntry

NEVER = 10**7  # a day number after any date the generator uses
_AFTER_CEASE = ALLOWED_AFTER_CEASE | {"plan_ceased"}


def finalise(
    history: ChildHistory,
    mistakes: list[tuple[SampleEntry, SampleEntry]],
    rng: random.Random,
    end: int,
    cease_on: int,
) -> None:
    """Keeps the loggable entries, in recording order; `mistakes` are (wrong, void) pairs."""
    kept = _loggable(history.entries, history.plan_on, end, cease_on)
    for entry in kept:
        typed = entry.on if entry.link is None else max(entry.on, entry.link.on)
        entry.recorded_on = min(typed + dist.recording_lag(rng), end)
        entry.minute = 480 + int(rng.random() * 600)
    kept[0].recorded_on = history.plan_on  # the plan is recorded the day it is issued
    kept = _with_voids(kept, mistakes, rng, end, seq=len(history.entries))
    kept.sort(key=lambda e: (e.recorded_on, e.minute, e.seq))
    history.entries[:] = _without_duplicates(kept)
    limit = min(end, cease_on - 1)
    for review in history.reviews:
        if review.meeting is not None and review.meeting > limit:
            review.meeting = None
        if review.decision_on is not None and review.decision_on > limit:
            review.decision, review.decision_on = "", None
        if review.final_plan_on is not None and review.final_plan_on > limit:
            review.final_plan_on = None
        if review.interim_on is not None and review.interim_on > limit:
            review.interim_on = None


def _loggable(
    entries: list[SampleEntry], plan_on: int, end: int, cease_on: int
) -> list[SampleEntry]:
    kept = [
        e
        for e in entries
        if e.on <= end
        and (e.on > plan_on or e.action == "plan_issued")
        and (e.on < cease_on or e.action in _AFTER_CEASE)
    ]
    meetings = [e.on for e in kept if e.action == "meeting_held" and not e.mistaken]
    first_meeting = min(meetings, default=NEVER)
    return [e for e in kept if e.action not in POST_MEETING or e.on >= first_meeting]


def _with_voids(
    kept: list[SampleEntry],
    mistakes: list[tuple[SampleEntry, SampleEntry]],
    rng: random.Random,
    end: int,
    seq: int,
) -> list[SampleEntry]:
    """Adds the void of each mistake found by the end date; drops the other mistakes."""
    alive = {id(e) for e in kept}
    pairs = Counter((e.action, e.on) for e in kept)
    for wrong, void in mistakes:
        if id(wrong) not in alive:
            continue
        twin = wrong.link
        # A wrong-detail mistake shares its action and date with its correct twin.
        same_day = twin is not None and (twin.action, twin.on) == (wrong.action, wrong.on)
        allowed = 2 if same_day and id(twin) in alive else 1
        void.on = working_day(max(wrong.on, wrong.recorded_on) + between(rng, 2, 60))
        if void.on > end or pairs[(wrong.action, wrong.on)] > allowed:
            alive.discard(id(wrong))
            continue
        void.recorded_on, void.minute, void.seq = void.on, between(rng, 480, 1060), seq
        seq += 1
        kept.append(void)
        alive.add(id(void))
        if twin is not None and id(twin) in alive:
            # The correct entry is typed in when the mistake is found: a back-dated row.
            twin.recorded_on, twin.minute = void.recorded_on, void.minute + between(rng, 1, 19)
    return [e for e in kept if id(e) in alive]


def _normal(entry: SampleEntry) -> tuple[tuple[str, str], ...]:
    """An entry's detail columns as RULES.md compares them for duplicates."""
    items = []
    for column, value in entry.fields.items():
        value = value.strip()
        if column in ("invitees", "attendees", "topics"):
            value = ";".join(sorted(set((value or NOT_RECORDED).split(";"))))
        elif column == "review_type":
            value = value or "annual"
        elif column == "ehcp_copy_included":
            value = {"y": "yes", "n": "no"}.get(value, value)
        elif len(value) == 10 and value[2] == "/":
            value = f"{value[6:]}-{value[3:5]}-{value[:2]}"
        if value:
            items.append((column, value))
    return tuple(sorted(items))


def _without_duplicates(entries: list[SampleEntry]) -> list[SampleEntry]:
    """Drops repeats of an earlier entry (RULES.md would skip them as duplicates)."""
    first: dict[tuple[str, int], SampleEntry] = {}
    seen: dict[tuple[str, int], list[tuple[tuple[str, str], ...]]] = {}
    kept = []
    for entry in entries:
        key = (entry.action, entry.on)
        earlier = first.get(key)
        if earlier is None:
            first[key] = entry
        else:
            details = seen.setdefault(key, [_normal(earlier)])
            normal = _normal(entry)
            if normal in details:
                continue
            details.append(normal)
        kept.append(entry)
    return kept
