"""Every probability and delay the sample generator draws from, in one place.

The numbers are plausible for an English local authority, loosely shaped on
the published national picture (DfE "Education, health and care plans"
statistics) and on how annual reviews usually run, but they are invented: the
samples exercise the audit, they describe no real authority. docs/samples.md
explains each choice. Delays are calendar days; `f` is the lateness factor of
the child's school at the time, 1.0 for a typical school.

Population
- Caseload: `P_EXISTING` (92%) of children hold a plan when the log starts,
  their `plan_issued` dated in the 12 months before it; the rest get a new plan
  on a uniform date in the window (up to three weeks before the end date).
- Year group at plan issue: `EXISTING_YEAR_GROUPS` peaks at secondary age;
  `NEW_YEAR_GROUPS` skews young (a fifth pre-school, on 6-month cycles while
  under 5). Post-16 up to age 25: the plan ceases at the end of the academic
  year in which the young person turns 25.
- Setting: special school `P_SPECIAL` (38%), else mainstream of the phase;
  moves at `MOVE_PER_YEAR` (6%), phase transfers at the start of the school
  year after Reception entry / Year 6 / Year 11 (special schools keep 85% of
  their pupils, mainstream 30% where the setting covers the next phase);
  moves out of the area end the plan at `MOVE_OUT_PER_YEAR` (2%).

Schools
- Kinds by `SCHOOL_KIND_SHARES` (at least one of each from 5 schools up);
  lateness factor f ~ lognormal(0, 0.4) clipped to [0.5, 3.5], and the latest
  eighth of schools made much later (x1.8, at least 2). `P_SCHOOL_UK_DATES`
  (20%) of schools type dates as DD/MM/YYYY and yes/no as y/n.

A review cycle (anchor = plan or last annual meeting; due = +12 months, or +6
while under 5)
- Meeting: late with p = min(0.85, 0.2 f), then due + 1 + Exp(mean 28 f) days;
  else due - U(0, 40). Moved to a school day: weekends, summer (22 Jul-2 Sep)
  and Christmas (20 Dec-3 Jan) push it later; one due in the summer holiday is
  held in early July instead half the time.
- Phase transfer year (Reception entry, Year 6, Year 11): the review is pulled
  into the autumn term; amend 92%; final plan by 15 Feb / 31 Mar 78%, else
  after it (Exp mean 30 days), never 4%.
- Booking 92%, U(28, 150) days ahead; postponed with p = min(0.5, 0.18 f) and
  re-booked, brought forward 4%.
- Invitations 96%: >= 28 days ahead with p = min(0.95, 0.8 / f^0.7), 14-27 days
  for 60% of the rest, 1-13 otherwise; re-sent after half of re-bookings; EHCP
  copy yes 82% / no 14% / not_recorded 4%; invitee list complete 62% (else 1-2
  of health, social worker, child, caseworker forgotten), blank 5%.
- Advice asked in 92% of cycles from 1-5 professionals (mean 3.2), U(45, 90)
  days ahead; each report arrives with p 0.92 after 10 + Exp(mean 20 days;
  EP x1.4, health x1.3); health sends a second report 45% (others 15%);
  chasers at 3-5 weeks (p 0.7, and again 3 weeks later); 8% unrequested reports.
- Views: parent/carer 88%, child 72% (pre-school 35%), U(5, 50) days ahead,
  20% sent twice. Papers circulated 85% / f^0.3, >= 14 days ahead with
  p = min(0.95, 0.72 / f^0.6), re-circulated after a late report 40%.
- Meeting lists: see `people` (parent 93%, child 48% + 30% in writing; all 8
  core topics 72% / f^0.3; preparing for adulthood 85% from Year 9).
- Interim meeting in 8% of cycles.
- Paperwork 95%: meeting + 1 + Exp(mean 8 f). Decision 97%: after the
  paperwork, 1 + Exp(mean 18 m f) days, where m is the authority's load that
  month (`month_loads`: lognormal(0, 0.45), centred) and x1.5 in August, m f at
  most 3; plus Exp(mean 35) backlog in 25% x m (at most 50%); at most 120 days.
  Calibrated so that `export dfe-measures` gives about England's 44.4% within
  4 weeks. The next review is booked `BOOKING_AFTER_END_DAYS` after the last
  one ended, when that still leaves time to invite.
- Leaving education: from Year 12, `P_LEAVE_EDUCATION_PER_YEAR` (12%) a year,
  the plan ends at the end of the school year (no cease decision at review).
- Decision: cease 0.2% up to Year 11, 1% Years 12-13, 3% Years 14-15, 6%
  older; amend 57%; else maintain (England: about 61% amend, 38% maintain, 1%
  cease among recorded decisions).
- Amend: amendments with the decision 55%, else 1 + Exp(mean 14) later, never
  4%; final plan 95%, amendments + 15 + Exp(mean 28).
- Appeals: 15% of cease decisions (upheld 35%: plan kept; dismissed 40%,
  withdrawn 25%: plan ceases), 3.5% of final amended plans; concluded U(120,
  300) days after lodging.
- Recording lag (`recorded_at`): same day 62%, 1-5 days 26%, 6-30 days 8%,
  31-240 days (back-dated) 4%; clipped to the end date.
- Data-entry mistakes in 3% of cycles: wrong date 50% (a later date, or day
  and month swapped), wrong detail 35% (role, decision), recorded against the
  wrong child 15%; found U(2, 60) days later, voided, and re-entered correctly.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from itertools import accumulate
from typing import Final, Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Values drawn in proportion to their weights."""

    __slots__ = ("_cumulative", "values")

    def __init__(self, *pairs: tuple[T, float]) -> None:
        self.values = tuple(value for value, _ in pairs)
        self._cumulative = list(accumulate(weight for _, weight in pairs))

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect(self._cumulative, rng.random() * self._cumulative[-1])]


P_EXISTING: Final = 0.92
EXISTING_YEAR_GROUPS: Final = (
    ((-2, -1), 0.03),
    ((0, 2), 0.14),
    ((3, 6), 0.24),
    ((7, 11), 0.35),
    ((12, 14), 0.18),
    ((15, 19), 0.06),
)
NEW_YEAR_GROUPS: Final = (
    ((-2, -1), 0.20),
    ((0, 2), 0.24),
    ((3, 6), 0.20),
    ((7, 11), 0.24),
    ((12, 14), 0.08),
    ((15, 19), 0.04),
)
P_SPECIAL: Final = 0.38
MOVE_OUT_PER_YEAR: Final = 0.02
# Most plans end outside an annual review (DfE: about 1% of review decisions cease a plan): from
# Year 12 the young person leaves education or training at the end of a school year.
P_LEAVE_EDUCATION_PER_YEAR: Final = 0.12
MOVE_PER_YEAR: Final = 0.06
CASEWORKER_LOAD: Final = 90

SCHOOL_KIND_SHARES: Final = {
    "nursery": 0.06,
    "primary": 0.50,
    "secondary": 0.20,
    "special": 0.12,
    "college": 0.12,
}
# With fewer schools than kinds, the first kinds here cover the most year groups.
SCHOOL_KIND_PRIORITY: Final = ("special", "primary", "secondary", "college")
KIND_WEIGHT: Final = {
    "nursery": 0.5,
    "primary": 1.0,
    "secondary": 1.5,
    "special": 4.0,
    "college": 2.0,
}
P_SCHOOL_UK_DATES: Final = 0.2
LATENESS_MAX: Final = 3.5

P_HELD_BEFORE_SUMMER: Final = 0.5  # of meetings that would fall in the summer holiday
P_BOOKED: Final = 0.92
P_POSTPONED_PER_LATENESS: Final = 0.18  # times f, at most 0.5
P_BROUGHT_FORWARD: Final = 0.04
BOOKING_LEAD_DAYS: Final = (28, 150)  # about 1 row in 120 is a booking ahead, as in real logs
BOOKING_AFTER_END_DAYS: Final = (20, 60)  # the next review is booked after the last one ended
P_INVITED_AGAIN_AFTER_REBOOKING: Final = 0.5
P_INVITATIONS: Final = 0.96
EHCP_COPY: Final = Weighted(("yes", 0.82), ("no", 0.14), ("not_recorded", 0.04))
P_INVITEES_COMPLETE: Final = 0.62
P_INVITEES_BLANK: Final = 0.05
P_LIST_NOT_RECORDED: Final = 0.02
P_SENCO: Final = 0.86  # else the headteacher
INVITEES_FORGOTTEN: Final = Weighted(
    ("health", 3.0),
    ("social_worker", 3.0),
    ("child", 2.0),
    ("caseworker", 1.0),
)
INVITEES_EXTRA: Final = (
    ("educational_psychologist", 0.25),
    ("advisory_teacher", 0.15),
    ("other", 0.05),
)
P_NEW_SETTING_INVITED: Final = 0.85
P_PARENT_ATTENDS: Final = 0.93
P_CHILD_ATTENDS: Final = 0.48
P_CHILD_ATTENDS_PRESCHOOL: Final = 0.15
P_CHILD_IN_WRITING: Final = 0.30
ATTENDEES_EXTRA: Final = (
    ("caseworker", 0.45),
    ("health", 0.22),
    ("social_worker", 0.14),
    ("educational_psychologist", 0.12),
    ("advisory_teacher", 0.10),
    ("other", 0.05),
)
P_NEW_SETTING_ATTENDS: Final = 0.75
P_ALL_CORE_TOPICS: Final = 0.72  # divided by f^0.3
TOPICS_SKIPPED: Final = Weighted(
    ("personal_budget", 4.0),
    ("impact_of_support", 2.0),
    ("important_to_child_family", 1.0),
    ("working_well", 1.0),
    ("next_steps", 1.0),
    ("concerns", 0.5),
)
P_ADULTHOOD_FROM_YEAR_9: Final = 0.85
P_ADULTHOOD_YOUNGER: Final = 0.05
P_ADVICE: Final = 0.92
ADVICE_COUNT: Final = Weighted((1, 0.1), (2, 0.2), (3, 0.3), (4, 0.25), (5, 0.15))
ADVICE_ROLES: Final = Weighted(
    ("educational_psychologist", 3.0),
    ("health", 3.0),
    ("social_worker", 2.0),
    ("advisory_teacher", 2.0),
    ("senco", 2.0),
    ("other", 1.0),
)
REPORT_SLOWNESS: Final = {"educational_psychologist": 1.4, "health": 1.3}
P_REPORT: Final = 0.92
REPORT_MEAN_DAYS: Final = 20.0
P_UNREQUESTED_REPORT: Final = 0.08
P_CHASE: Final = 0.7  # a chaser when a report is 3-5 weeks late, and again 3 weeks on
P_RECIRCULATE: Final = 0.4
P_SECOND_REPORT: Final = {"health": 0.45}  # paediatrics, therapies: several reports
P_SECOND_REPORT_OTHER: Final = 0.15
P_PARENT_VIEWS: Final = 0.88
P_CHILD_VIEWS: Final = 0.72
P_VIEWS_AGAIN: Final = 0.2  # updated views, or the child's in two forms
P_CHILD_VIEWS_PRESCHOOL: Final = 0.35
P_PAPERS: Final = 0.85  # divided by f^0.3
P_INTERIM: Final = 0.08
P_PAPERWORK: Final = 0.95
PAPERWORK_MEAN_DAYS: Final = 8.0  # times f
P_DECISION: Final = 0.97
DECISION_MEAN_DAYS: Final = 18.0
AUGUST_SLOWDOWN: Final = 1.5
DECISION_SCHOOL_POWER: Final = 1.0  # the decision's delay times f to this power
DECISION_MAX_DAYS: Final = 120  # after the paperwork: the review ends before the next one starts
DECISION_SLOW_MAX: Final = 3.0  # month, August and school together: a decision is not months late
P_BACKLOG: Final = 0.25
BACKLOG_MEAN_DAYS: Final = 35.0
MONTH_LOAD_SIGMA: Final = 0.45  # the authority's casework load, month by month
P_AMEND: Final = 0.57
P_TRANSFER_AMEND: Final = 0.92
P_AMENDMENTS: Final = 0.96
P_AMENDMENTS_WITH_DECISION: Final = 0.55
AMENDMENTS_MEAN_DAYS: Final = 14.0
P_FINAL_PLAN: Final = 0.95
FINAL_PLAN_MEAN_DAYS: Final = 28.0  # after the 15 days the parent has to comment
TRANSFER_LATE_MEAN_DAYS: Final = 30.0
P_TRANSFER_ON_TIME: Final = 0.78
P_TRANSFER_NEVER: Final = 0.04
P_APPEAL_CEASE: Final = 0.15
P_APPEAL_AMEND: Final = 0.035
CEASE_APPEAL_OUTCOMES: Final = (
    ("appeal upheld: plan maintained", 0.35, False),
    ("appeal dismissed", 0.40, True),
    ("appeal withdrawn", 0.25, True),
)
AMEND_APPEAL_OUTCOMES: Final = (
    "appeal upheld in part: plan amended",
    "resolved by agreement before the hearing",
    "appeal dismissed",
    "appeal withdrawn",
)
P_MISTAKE: Final = 0.03
MISTAKE_KINDS: Final = Weighted(("date", 0.5), ("detail", 0.35), ("child", 0.15))
P_REVIEW_TYPE_BLANK: Final = 0.15


def between(rng: random.Random, low: int, high: int) -> int:
    """Uniform integer in [low, high]; several times cheaper than `randint`."""
    return low + int(rng.random() * (high - low + 1))


def year_group_at_plan(rng: random.Random, existing: bool) -> int:
    bands = EXISTING_YEAR_GROUPS if existing else NEW_YEAR_GROUPS
    x = rng.random()
    for (low, high), share in bands:
        x -= share
        if x < 0:
            return between(rng, low, high)
    return between(rng, *bands[-1][0])


def school_lateness(rng: random.Random) -> float:
    return min(LATENESS_MAX, max(0.5, rng.lognormvariate(0.0, 0.4)))


def meeting_offset(rng: random.Random, f: float) -> int:
    """Days from the due date to the meeting: negative is early."""
    if rng.random() < min(0.85, 0.2 * f):
        return 1 + int(rng.expovariate(1.0 / (28.0 * f)))
    return -between(rng, 0, 40)


def invitation_lead(rng: random.Random, f: float) -> int:
    x = rng.random()
    on_time = min(0.95, 0.8 / f**0.7)
    if x < on_time:
        return between(rng, 28, 50)
    if x < on_time + (1 - on_time) * 0.6:
        return between(rng, 14, 27)
    return between(rng, 1, 13)


def papers_lead(rng: random.Random, f: float) -> int:
    if rng.random() < min(0.95, 0.72 / f**0.6):
        return between(rng, 14, 30)
    return between(rng, 1, 13)


def recording_lag(rng: random.Random) -> int:
    x = rng.random()
    if x < 0.62:
        return 0
    if x < 0.88:
        return between(rng, 1, 5)
    if x < 0.96:
        return between(rng, 6, 30)
    return between(rng, 31, 240)


def cease_appeal_outcome(rng: random.Random) -> tuple[str, bool]:
    """The outcome of an appeal against ceasing, and whether the plan then ceases."""
    x = rng.random()
    for outcome, share, ceases in CEASE_APPEAL_OUTCOMES:
        x -= share
        if x < 0:
            return outcome, ceases
    return CEASE_APPEAL_OUTCOMES[-1][0], CEASE_APPEAL_OUTCOMES[-1][2]


def month_loads(rng: random.Random, first: int, last: int) -> dict[int, float]:
    """The authority's decision load for each month `first`..`last` (year * 12 + month - 1):
    a decision's delay after the paperwork is multiplied by it. Drawn once per run, so a busy
    month is busy for every child. Centred (geometric mean 1), so that the seed moves the months
    about the authority's figure rather than the figure itself."""
    logs = [rng.gauss(0.0, MONTH_LOAD_SIGMA) for _ in range(first, last + 1)]
    centre = sum(logs) / len(logs)
    return {first + i: math.exp(x - centre) for i, x in enumerate(logs)}


def cease_probability(year_group: int) -> float:
    if year_group <= 11:
        return 0.002
    if year_group <= 13:
        return 0.01
    if year_group <= 15:
        return 0.03
    return 0.06


def cease_reason(rng: random.Random, year_group: int) -> str:
    if year_group >= 12:
        return rng.choice(
            (
                "left education or training",
                "started paid employment",
                "entered higher education",
                "needs met without an EHC plan",
            )
        )
    return "needs met without an EHC plan"
