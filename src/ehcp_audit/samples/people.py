"""Who is invited, who attends and what is covered: the list columns of a review.

Each list is complete more often than not, so that `invitees_complete`,
`essential_participation` and `topics_covered` have both met and missed rows;
`not_recorded` (and a blank invitee list) stand for a source that does not
hold the list. Probabilities are in `distributions` and docs/samples.md.
"""

from __future__ import annotations

import random

from ehcp_audit.domain.vocabulary import ADULTHOOD_TOPIC, CORE_TOPICS, NOT_RECORDED
from ehcp_audit.samples import distributions as dist


def invitees(rng: random.Random, transfer: bool) -> str:
    x = rng.random()
    if x < dist.P_INVITEES_BLANK:
        return ""
    if x < dist.P_INVITEES_BLANK + dist.P_LIST_NOT_RECORDED:
        return NOT_RECORDED
    head = "senco" if rng.random() < dist.P_SENCO else "headteacher"
    roles = ["parent_carer", "child", head, "caseworker", "health", "social_worker"]
    if rng.random() >= dist.P_INVITEES_COMPLETE:
        for _ in range(dist.between(rng, 1, 2)):
            forgotten = dist.INVITEES_FORGOTTEN.draw(rng)
            if forgotten in roles:
                roles.remove(forgotten)
    _add_extras(rng, roles, dist.INVITEES_EXTRA, transfer, dist.P_NEW_SETTING_INVITED)
    return ";".join(roles)


def attendees(rng: random.Random, year_group: int, transfer: bool) -> str:
    if rng.random() < dist.P_LIST_NOT_RECORDED:
        return NOT_RECORDED
    people = []
    if rng.random() < dist.P_PARENT_ATTENDS:
        people.append("parent_carer")
    x = rng.random()
    in_person = dist.P_CHILD_ATTENDS_PRESCHOOL if year_group < 0 else dist.P_CHILD_ATTENDS
    if x < in_person:
        people.append("child")
    elif x < in_person + dist.P_CHILD_IN_WRITING:
        people.append("child_in_writing")
    people.append("senco" if rng.random() < dist.P_SENCO else "headteacher")
    _add_extras(rng, people, dist.ATTENDEES_EXTRA, transfer, dist.P_NEW_SETTING_ATTENDS)
    return ";".join(people)


def topics(rng: random.Random, year_group: int, lateness: float) -> str:
    if rng.random() < dist.P_LIST_NOT_RECORDED:
        return NOT_RECORDED
    chosen = list(CORE_TOPICS)
    if rng.random() >= dist.P_ALL_CORE_TOPICS / lateness**0.3:
        for _ in range(dist.between(rng, 1, 3)):
            skipped = dist.TOPICS_SKIPPED.draw(rng)
            if skipped in chosen:
                chosen.remove(skipped)
    adulthood = dist.P_ADULTHOOD_FROM_YEAR_9 if year_group >= 9 else dist.P_ADULTHOOD_YOUNGER
    if rng.random() < adulthood:
        chosen.append(ADULTHOOD_TOPIC)
    return ";".join(chosen)


def interim(rng: random.Random) -> tuple[str, str]:
    """Attendees and topics of an interim meeting: small and focused."""
    people = ["parent_carer", "senco"]
    if rng.random() < 0.6:
        people.append("caseworker")
    covered = rng.sample(("concerns", "support_and_provision", "next_steps", "working_well"), 2)
    return ";".join(people), ";".join(covered)


def _add_extras(
    rng: random.Random,
    people: list[str],
    extras: tuple[tuple[str, float], ...],
    transfer: bool,
    p_new_setting: float,
) -> None:
    for role, p in extras:
        if rng.random() < p:
            people.append(role)
    if transfer and rng.random() < p_new_setting:
        people.append("new_setting")
