"""List 1 ("all children and young people with an EHC plan"): one row per plan in force on a day,
its dates and URN from the log, its person columns from the authority's people.csv."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.calendar import add_months
from ehcp_audit.rules.cycles import PlanHistory, build_history
from ehcp_audit.rules.effective import apply_voids, as_of
from ehcp_audit.rules.sen2.census import latest_review

UNIQUE_ID: Final = "Unique ID"
UPN: Final = "UPN"
ULN: Final = "ULN"
DATE_OF_BIRTH: Final = "Date of birth"
GENDER: Final = "Gender"
ETHNICITY: Final = "Ethnicity"
INITIAL_ISSUED: Final = "Date initial EHC plan issued"
UPDATED_ISSUED: Final = "Date updated EHC plan issued"
LAST_REVIEWED: Final = "Date EHC plan last reviewed"
PRIMARY_NEED: Final = "SEN primary need"
MAIN_URN: Final = "Main education establishment \u2013 URN"
MAIN_PHASE: Final = "Main education establishment \u2013 phase"
SUBSIDIARY_PHASE: Final = "Subsidiary education establishment \u2013 phase (dual registration)"
HOME_EDUCATION: Final = "Elective home education"
SUSPENSIONS: Final = "Suspensions"
EXCLUSIONS: Final = "Permanent exclusions"
ABSENCE: Final = "Absence"
PUPIL_PREMIUM: Final = "Pupil Premium"
SOCIAL_CARE: Final = "Known to children's social care?"
SOCIAL_CARE_TEAM: Final = "Which children's social care team?"
DISABILITY: Final = "Does the child or young person have a disability?"

# Ofsted's template, in its order (Data to Insight's annex-a-sen-validator, config.py).
HEADERS: Final = (
    UNIQUE_ID,
    UPN,
    ULN,
    DATE_OF_BIRTH,
    GENDER,
    ETHNICITY,
    INITIAL_ISSUED,
    UPDATED_ISSUED,
    LAST_REVIEWED,
    PRIMARY_NEED,
    MAIN_URN,
    MAIN_PHASE,
    SUBSIDIARY_PHASE,
    HOME_EDUCATION,
    SUSPENSIONS,
    EXCLUSIONS,
    ABSENCE,
    PUPIL_PREMIUM,
    SOCIAL_CARE,
    SOCIAL_CARE_TEAM,
    DISABILITY,
)
DATE_HEADERS: Final = frozenset({DATE_OF_BIRTH, INITIAL_ISSUED, UPDATED_ISSUED, LAST_REVIEWED})

# people.csv's columns (the authority's case system holds these, the log does not).
PERSON_COLUMNS: Final[dict[str, str]] = {
    "upn": UPN,
    "uln": ULN,
    "gender": GENDER,
    "ethnicity": ETHNICITY,
    "sen_primary_need": PRIMARY_NEED,
    "main_establishment_phase": MAIN_PHASE,
    "subsidiary_establishment_phase": SUBSIDIARY_PHASE,
    "elective_home_education": HOME_EDUCATION,
    "suspensions": SUSPENSIONS,
    "permanent_exclusions": EXCLUSIONS,
    "absence": ABSENCE,
    "pupil_premium": PUPIL_PREMIUM,
    "known_to_social_care": SOCIAL_CARE,
    "social_care_team": SOCIAL_CARE_TEAM,
    "disability": DISABILITY,
}

Cell = str | date | None


@dataclass(frozen=True, slots=True)
class List1Row:
    child_id: str
    date_of_birth: date | None
    initial_issued: date
    updated_issued: date | None
    last_reviewed: date | None
    urn: str
    person: Mapping[str, str] = field(default_factory=dict)  # List 1 header -> people.csv value

    def cells(self) -> dict[str, Cell]:
        """Every List 1 column (HEADERS order); None where nothing is known."""
        logged: dict[str, Cell] = {
            UNIQUE_ID: self.child_id,
            DATE_OF_BIRTH: self.date_of_birth,
            INITIAL_ISSUED: self.initial_issued,
            UPDATED_ISSUED: self.updated_issued,
            LAST_REVIEWED: self.last_reviewed,
            MAIN_URN: self.urn or None,
        }
        return {h: logged[h] if h in logged else self.person.get(h) or None for h in HEADERS}


def in_force(history: PlanHistory, day: date) -> bool:
    """Issued on or before `day` (the history holds only entries up to it) and not ceased before
    it: a plan ceasing on `day` is still the authority's on that day, as in SEN2."""
    return history.ceased_on is None or history.ceased_on >= day


def list1_row(history: PlanHistory, day: date) -> List1Row:
    review = latest_review(history)
    updated = history.final_plans[-1].occurred_on if history.final_plans else None
    return List1Row(
        child_id=history.child_id,
        date_of_birth=history.plan.date_of("date_of_birth"),
        initial_issued=history.issued_on,
        updated_issued=updated,
        last_reviewed=review.meeting_on if review else None,
        urn=history.placement_on(day),
    )


def list1_rows(children: Iterable[tuple[str, list[Entry]]], day: date) -> list[List1Row]:
    """One row per child (pairs of child_id and all its entries, voids included) whose plan is
    in force on `day`, sorted by child_id."""
    rows = []
    for _, entries in children:
        history = build_history(as_of(apply_voids(entries), day))
        if history is not None and in_force(history, day):
            rows.append(list1_row(history, day))
    return sorted(rows, key=lambda r: r.child_id)


def with_people(
    rows: list[List1Row], people: Mapping[str, Mapping[str, str]]
) -> tuple[list[List1Row], list[str]]:
    """The rows with their people.csv columns (`people`: child_id -> List 1 header -> value), and
    the people.csv ids that match no row, sorted."""
    listed = {row.child_id for row in rows}
    filled = [replace(row, person=dict(people.get(row.child_id, {}))) for row in rows]
    return filled, sorted(set(people) - listed)


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years on `day` (a 29 February birthday falls on 28 February, as add_months says)."""
    years = day.year - date_of_birth.year
    return years - 1 if add_months(date_of_birth, 12 * years) > day else years
