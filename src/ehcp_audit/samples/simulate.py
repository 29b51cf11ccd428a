"""Simulates one child's plan, review by review, into a `ChildHistory`.

The simulation runs forward freely, without looking at the end date or at
the plan ceasing; `finalise.finalise` then cuts the history to what the log
can hold.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass

from ehcp_audit.domain.vocabulary import NOT_RECORDED
from ehcp_audit.samples import distributions as dist
from ehcp_audit.samples import people
from ehcp_audit.samples.dates import (
    add_months,
    cohort,
    in_summer,
    iso,
    ordinal,
    school_day,
    school_year,
    to_date,
    uk,
    working_day,
    year_group,
)
from ehcp_audit.samples.distributions import between
from ehcp_audit.samples.finalise import NEVER, finalise
from ehcp_audit.samples.model import ChildHistory, Review, SampleEntry
from ehcp_audit.samples.schools import School, SchoolPicker

_MISTAKE_ACTIONS = frozenset(
    {
        "invitations_sent",
        "report_received",
        "views_received",
        "papers_circulated",
        "meeting_held",
        "paperwork_submitted",
        "decision_issued",
    }
)
_SETTING_ACTIONS = frozenset(
    {
        "review_scheduled",
        "invitations_sent",
        "views_received",
        "papers_circulated",
        "meeting_held",
        "paperwork_submitted",
    }
)
# (year group in the transfer year, deadline month, deadline day): reg 18.
_TRANSFERS = ((-1, 2, 15), (6, 2, 15), (11, 3, 31))


@dataclass(frozen=True, slots=True)
class Context:
    """What every child's simulation shares: the schools and the window."""

    schools: tuple[School, ...]
    picker: SchoolPicker
    start: int
    end: int
    seed: int
    caseworkers: int
    month_load: dict[int, float]  # by year * 12 + month - 1 (dist.month_loads)


@dataclass(frozen=True, slots=True)
class _Transfer:
    year_start: int
    deadline: int


@dataclass(frozen=True, slots=True)
class _Booking:
    planned: int  # the meeting date first booked: pre-meeting steps are timed from it
    booked_on: int
    rebooked_on: int  # 0 when the booking was never changed


def simulate_child(ctx: Context, index: int) -> ChildHistory:
    rng = random.Random(f"{ctx.seed}:child:{index}")
    return _ChildSim(ctx, rng, index).run()


class _ChildSim:
    def __init__(self, ctx: Context, rng: random.Random, index: int) -> None:
        self.ctx = ctx
        self.rng = rng
        self.end = ctx.end
        existing = rng.random() < dist.P_EXISTING
        if existing:
            plan_on = working_day(ctx.start - between(rng, 1, 365))
        else:
            plan_on = working_day(between(rng, ctx.start, ctx.end - 21))
        group = dist.year_group_at_plan(rng, existing)
        cohort_year = school_year(plan_on) - 4 - group
        dob = between(rng, ordinal(cohort_year - 1, 9, 1), ordinal(cohort_year, 8, 31))
        self.cohort = cohort(dob)
        self.dob = dob
        self.plan_on = plan_on
        self.caseworker = f"cw{rng.randrange(ctx.caseworkers) + 1:03d}"
        school = ctx.picker.pick(rng, group, rng.random() < dist.P_SPECIAL)
        self.history = ChildHistory(
            child_id=f"LA-{index + 1:06d}",
            date_of_birth=dob,
            cohort=self.cohort,
            plan_on=plan_on,
            school_urn=school.urn,
            caseworker=self.caseworker,
        )
        self.entries = self.history.entries
        self.cease_on = NEVER
        self.cease_reason = ""
        self.mistakes: list[tuple[SampleEntry, SampleEntry]] = []
        self.concluded = 0  # the day the last review ended (its decision, or its final plan)
        self.add(
            "plan_issued",
            plan_on,
            school,
            date_of_birth=iso(dob),
            school_urn=school.urn_text,
            school_name=school.name,
        )
        self.move_dates: list[int] = [plan_on]
        self.move_schools: list[School] = [school]

    # -- building blocks -------------------------------------------------

    def add(self, action: str, on: int, school: School | None, **fields: str) -> SampleEntry:
        entries = self.entries
        if school is not None and action in _SETTING_ACTIONS:
            entry = SampleEntry(
                action, on, fields, school.recorder, 0, 0, len(entries), school.uk_dates
            )
        else:
            entry = SampleEntry(action, on, fields, self.caseworker, 0, 0, len(entries))
        entries.append(entry)
        return entry

    def school_at(self, day: int) -> School:
        return self.move_schools[max(0, bisect_right(self.move_dates, day) - 1)]

    def cease(self, day: int, reason: str) -> None:
        day = max(day, self.plan_on + 1)
        if day < self.cease_on:
            self.cease_on, self.cease_reason = day, reason

    def date_text(self, day: int, school: School) -> str:
        return uk(day) if school.uk_dates else iso(day)

    # -- the whole plan --------------------------------------------------

    def run(self) -> ChildHistory:
        rng = self.rng
        transfers = self._transfers()
        self._placements(transfers)
        age_25_year = self.cohort + 4 + 20
        self.cease(
            working_day(ordinal(age_25_year + 1, 7, 20)),
            "reached the end of the academic year in which the young person turned 25",
        )
        for group in range(12, 21):  # post-16: the young person leaves education or training
            if rng.random() < dist.P_LEAVE_EDUCATION_PER_YEAR:
                ends = working_day(ordinal(self.cohort + 5 + group, 7, 20))
                self.cease(ends, "left education or training")
                break
        out_after = rng.expovariate(dist.MOVE_OUT_PER_YEAR / 365.0)
        self.cease(
            working_day(self.plan_on + 1 + int(out_after)), "moved to another local authority"
        )
        anchor, number = self.plan_on, 1
        while anchor < min(self.end, self.cease_on):
            first = len(self.entries)
            meeting = self._cycle(number, anchor, transfers)
            if rng.random() < dist.P_MISTAKE:
                self._mistake(first, anchor, meeting)
            anchor, number = meeting, number + 1
        if self.cease_on <= self.end:
            self.add("plan_ceased", self.cease_on, None, reason=self.cease_reason)
            self.history.ceased_on = self.cease_on
        finalise(self.history, self.mistakes, self.rng, self.end, self.cease_on)
        return self.history

    def _transfers(self) -> list[_Transfer]:
        found = []
        for group, month, day in _TRANSFERS:
            year = self.cohort + 4 + group
            start = ordinal(year, 9, 1)
            if self.plan_on < start <= self.end:
                found.append(_Transfer(start, ordinal(year + 1, month, day)))
        return found

    def _placements(self, transfers: list[_Transfer]) -> None:
        rng, picker = self.rng, self.ctx.picker
        # A phase transfer moves the child at the start of the next school year.
        changes = [
            (school_day(ordinal(to_date(t.deadline).year, 9, 1) + between(rng, 0, 4)), True)
            for t in transfers
        ]
        day = self.plan_on
        while True:
            day += 1 + int(rng.expovariate(dist.MOVE_PER_YEAR / 365.0))
            if day > self.end:
                break
            changes.append((school_day(day), False))
        current = self.move_schools[0]
        for day, is_transfer in sorted(changes):
            if day > self.end or day <= self.move_dates[-1]:
                continue
            group = year_group(day, self.cohort)
            special = current.kind == "special"
            stays = 0.85 if special else 0.3
            if is_transfer and current.distance(group) == 0 and rng.random() < stays:
                continue
            if is_transfer and not special:
                special = rng.random() < 0.08
            school = picker.pick(rng, group, special, avoid=current.urn)
            if school.urn == current.urn:
                continue
            self.move_dates.append(day)
            self.move_schools.append(school)
            self.add(
                "placement_changed",
                day,
                None,
                school_urn=school.urn_text,
                school_name=school.name if rng.random() < 0.9 else "",
            )
            current = school

    # -- one review cycle ------------------------------------------------

    def _cycle(self, number: int, anchor: int, transfers: list[_Transfer]) -> int:
        rng = self.rng
        under_five = anchor < add_months(self.dob, 60)
        due = add_months(anchor, 6 if under_five else 12)
        school = self.school_at(due)
        f = school.lateness
        meeting = due + dist.meeting_offset(rng, f)
        if in_summer(meeting) and rng.random() < dist.P_HELD_BEFORE_SUMMER:
            meeting = ordinal(to_date(meeting).year, 7, between(rng, 1, 19))
        transfer = None
        if transfers and school_day(meeting) >= transfers[0].year_start:
            transfer = transfers.pop(0)
            if meeting > transfer.deadline - 45:
                low = max(transfer.year_start + 20, anchor + 40)
                high = max(low, ordinal(to_date(transfer.year_start).year, 12, 10))
                meeting = between(rng, low, high)
                if rng.random() < min(0.85, 0.2 * f):
                    meeting += int(rng.expovariate(1.0 / (20.0 * f)))
        meeting = school_day(max(meeting, anchor + 40))
        review = Review(number, anchor, due, meeting, school.urn, transfer is not None)
        self.history.reviews.append(review)
        group = year_group(meeting, self.cohort)
        if rng.random() < dist.P_INTERIM and meeting - anchor > 150:
            interim = school_day(between(rng, anchor + 45, meeting - 90))
            review.interim_on = interim
            self._interim(interim, school)
        booking = self._booking(anchor, meeting, school)
        self._pre_meeting(anchor, meeting, booking, school, group, transfer is not None)
        self._meeting(meeting, school, group, transfer is not None)
        self._post_meeting(review, meeting, school, group, transfer)
        return meeting

    def _clamp(self, day: int, anchor: int, meeting: int) -> int:
        return min(max(day, anchor + 1), meeting - 1)

    def _booking(self, anchor: int, meeting: int, school: School) -> _Booking:
        """Adds the booking(s) of the meeting, perhaps postponed or brought forward."""
        rng = self.rng
        if rng.random() >= dist.P_BOOKED:
            return _Booking(meeting, anchor + 1, 0)
        planned = meeting
        x = rng.random()
        postpone = min(0.5, dist.P_POSTPONED_PER_LATENESS * school.lateness)
        if x < postpone:
            planned = school_day(meeting - between(rng, 7, 35))
        elif x < postpone + dist.P_BROUGHT_FORWARD:
            planned = school_day(meeting + between(rng, 7, 21))
        if planned <= anchor + 30:
            planned = meeting
        lead = between(rng, *dist.BOOKING_LEAD_DAYS)
        booked = working_day(planned - lead)
        if self.concluded:
            # The next review is booked once the last one has ended, still in time to invite.
            after = working_day(self.concluded + 1 + between(rng, *dist.BOOKING_AFTER_END_DAYS))
            booked = max(booked, min(after, planned - dist.BOOKING_LEAD_DAYS[0] - 7))
        booked = self._clamp(booked, anchor, meeting)
        rebooked = 0
        if planned != meeting:
            low, high = booked + 1, min(planned, meeting) - 2
            if high < low:
                planned = meeting
            else:
                rebooked = between(rng, low, high)
        # Booked ahead (contract v2): the log may hold a meeting_on after its end date; an entry
        # dated after the end is cut in finalise.
        self.add(
            "review_scheduled",
            booked,
            school,
            meeting_on=self.date_text(planned, school),
        )
        if rebooked:
            self.add(
                "review_scheduled",
                rebooked,
                school,
                meeting_on=self.date_text(meeting, school),
            )
        return _Booking(planned, booked, rebooked)

    def _pre_meeting(
        self,
        anchor: int,
        meeting: int,
        booking: _Booking,
        school: School,
        group: int,
        transfer: bool,
    ) -> None:
        rng = self.rng
        f = school.lateness
        reference, rebooked = booking.planned, booking.rebooked_on
        if rng.random() < dist.P_INVITATIONS:
            day = working_day(reference - dist.invitation_lead(rng, f))
            day = self._clamp(max(day, booking.booked_on + 1), anchor, meeting)
            self._invitations(day, school, transfer)
            resend = rng.random() < dist.P_INVITED_AGAIN_AFTER_REBOOKING
            if rebooked and resend and rebooked + 5 < meeting - 1:
                self._invitations(rebooked + between(rng, 1, 5), school, transfer)
        reports = self._advice(anchor, meeting, reference)
        p_child = dist.P_CHILD_VIEWS_PRESCHOOL if group < 0 else dist.P_CHILD_VIEWS
        for role, p in (("parent_carer", dist.P_PARENT_VIEWS), ("child", p_child)):
            if rng.random() < p:
                day = self._clamp(working_day(reference - between(rng, 5, 50)), anchor, meeting)
                self.add("views_received", day, school, role=role)
                if rng.random() < dist.P_VIEWS_AGAIN:
                    again = self._clamp(day + between(rng, 3, 20), anchor, meeting)
                    self.add("views_received", again, school, role=role)
        if rng.random() < dist.P_PAPERS / f**0.3:
            day = self._clamp(school_day(reference - dist.papers_lead(rng, f)), anchor, meeting)
            self.add("papers_circulated", day, school)
            late = [r for r in reports if day < r < meeting - 1]
            if late and rng.random() < dist.P_RECIRCULATE:
                self.add(
                    "papers_circulated", min(max(late) + between(rng, 1, 3), meeting - 1), school
                )

    def _invitations(self, day: int, school: School, transfer: bool) -> None:
        copy = dist.EHCP_COPY.draw(self.rng)
        if school.uk_dates and copy != NOT_RECORDED:
            copy = copy[0]  # this school's system exports y/n
        listed = people.invitees(self.rng, transfer)
        self.add("invitations_sent", day, school, ehcp_copy_included=copy, invitees=listed)

    def _advice(self, anchor: int, meeting: int, reference: int) -> list[int]:
        """Adds advice requests, chasers and reports; returns the report dates."""
        rng = self.rng
        roles: list[str] = []
        if rng.random() < dist.P_ADVICE:
            wanted = dist.ADVICE_COUNT.draw(rng)
            while len(roles) < wanted:
                role = dist.ADVICE_ROLES.draw(rng)
                if role not in roles:
                    roles.append(role)
        reports = []
        for role in roles:
            asked = self._clamp(working_day(reference - between(rng, 45, 90)), anchor, meeting)
            self.add("advice_requested", asked, None, role=role)
            got = NEVER
            if rng.random() < dist.P_REPORT:
                mean = dist.REPORT_MEAN_DAYS * dist.REPORT_SLOWNESS.get(role, 1.0)
                got = working_day(asked + 10 + int(rng.expovariate(1.0 / mean)))
                reports.append(got)
                self.add("report_received", got, None, role=role)
                if rng.random() < dist.P_SECOND_REPORT.get(role, dist.P_SECOND_REPORT_OTHER):
                    again = working_day(got + between(rng, 3, 30))
                    reports.append(again)
                    self.add("report_received", again, None, role=role)
            chase = working_day(asked + between(rng, 21, 35))
            for _ in range(2):
                if chase >= min(got, meeting) or rng.random() >= dist.P_CHASE:
                    break
                self.add("advice_requested", chase, None, role=role)
                chase = working_day(chase + 21)
        if rng.random() < dist.P_UNREQUESTED_REPORT:
            role = dist.ADVICE_ROLES.draw(rng)
            if role not in roles:
                got = self._clamp(working_day(reference - between(rng, 5, 40)), anchor, meeting)
                reports.append(got)
                self.add("report_received", got, None, role=role)
        return reports

    def _meeting(self, day: int, school: School, group: int, transfer: bool) -> None:
        rng = self.rng
        self.add(
            "meeting_held",
            day,
            school,
            attendees=people.attendees(rng, group, transfer),
            topics=people.topics(rng, group, school.lateness),
            review_type="" if rng.random() < dist.P_REVIEW_TYPE_BLANK else "annual",
        )

    def _interim(self, day: int, school: School) -> None:
        attendees, topics = people.interim(self.rng)
        self.add(
            "meeting_held", day, school, attendees=attendees, topics=topics, review_type="interim"
        )

    def _post_meeting(
        self,
        review: Review,
        meeting: int,
        school: School,
        group: int,
        transfer: _Transfer | None,
    ) -> None:
        rng = self.rng
        paperwork = 0
        self.concluded = 0
        if rng.random() < dist.P_PAPERWORK:
            paperwork = school_day(
                meeting
                + 1
                + int(rng.expovariate(1.0 / (dist.PAPERWORK_MEAN_DAYS * school.lateness)))
            )
            self.add("paperwork_submitted", paperwork, school)
        if rng.random() >= dist.P_DECISION:
            return
        base = paperwork or meeting + between(rng, 5, 20)
        month = to_date(base)
        slow = self.ctx.month_load.get(month.year * 12 + month.month - 1, 1.0)
        if month.month == 8:
            slow *= dist.AUGUST_SLOWDOWN
        # A setting slow with its paperwork sends it incomplete: the authority waits on it too.
        slow = min(dist.DECISION_SLOW_MAX, slow * school.lateness**dist.DECISION_SCHOOL_POWER)
        delay = 1 + rng.expovariate(1.0 / (dist.DECISION_MEAN_DAYS * slow))
        if rng.random() < dist.P_BACKLOG * min(slow, 2.0):
            delay += rng.expovariate(1.0 / dist.BACKLOG_MEAN_DAYS)
        decided = working_day(base + int(min(delay, dist.DECISION_MAX_DAYS)))
        if transfer is not None:
            decision = "amend" if rng.random() < dist.P_TRANSFER_AMEND else "maintain"
        else:
            x, cease = rng.random(), dist.cease_probability(group)
            decision = "cease" if x < cease else "amend" if x < cease + dist.P_AMEND else "maintain"
        self.add("decision_issued", decided, None, decision=decision)
        review.decision, review.decision_on = decision, decided
        self.concluded = decided
        if decision == "amend":
            self._amend(review, decided, transfer)
        elif decision == "cease":
            self._cease_decision(decided, group)

    def _amend(self, review: Review, decided: int, transfer: _Transfer | None) -> None:
        rng = self.rng
        if rng.random() >= dist.P_AMENDMENTS:
            return
        proposed = decided
        if rng.random() >= dist.P_AMENDMENTS_WITH_DECISION:
            proposed = working_day(
                decided + 1 + int(rng.expovariate(1.0 / dist.AMENDMENTS_MEAN_DAYS))
            )
        self.add("amendments_proposed", proposed, None)
        final = 0
        if transfer is not None:
            deadline = transfer.deadline
            if rng.random() < dist.P_TRANSFER_NEVER:
                return
            if rng.random() < dist.P_TRANSFER_ON_TIME and proposed + 15 <= deadline:
                final = between(rng, max(proposed + 15, deadline - 45), deadline)
                while to_date(final).weekday() >= 5:
                    final -= 1
                final = max(final, proposed + 1)
            else:
                final = working_day(
                    max(deadline, proposed + 15)
                    + 1
                    + int(rng.expovariate(1.0 / dist.TRANSFER_LATE_MEAN_DAYS))
                )
        elif rng.random() < dist.P_FINAL_PLAN:
            final = working_day(
                proposed + 15 + int(rng.expovariate(1.0 / dist.FINAL_PLAN_MEAN_DAYS))
            )
        if not final:
            return
        self.add("final_plan_issued", final, None)
        review.final_plan_on = final
        self.concluded = final
        if rng.random() < dist.P_APPEAL_AMEND:
            lodged = working_day(final + between(rng, 10, 60))
            self._appeal(lodged, rng.choice(dist.AMEND_APPEAL_OUTCOMES))

    def _appeal(self, lodged: int, outcome: str) -> int:
        concluded = working_day(lodged + between(self.rng, 120, 300))
        self.add("appeal_lodged", lodged, None)
        self.add("appeal_concluded", concluded, None, outcome=outcome)
        return concluded

    def _cease_decision(self, decided: int, group: int) -> None:
        rng = self.rng
        reason = dist.cease_reason(rng, group)
        if rng.random() < dist.P_APPEAL_CEASE:
            outcome, ceases = dist.cease_appeal_outcome(rng)
            concluded = self._appeal(working_day(decided + between(rng, 14, 56)), outcome)
            if ceases:
                self.cease(working_day(concluded + between(rng, 14, 42)), reason)
        else:
            self.cease(working_day(decided + between(rng, 28, 63)), reason)

    # -- data-entry mistakes -------------------------------------------------

    def _mistake(self, first: int, anchor: int, meeting: int) -> None:
        rng = self.rng
        candidates = [
            e
            for e in self.entries[first:]
            if e.action in _MISTAKE_ACTIONS and e.fields.get("review_type") != "interim"
        ]
        if not candidates:
            return
        true = rng.choice(candidates)
        kind = dist.MISTAKE_KINDS.draw(rng)
        fields = dict(true.fields)
        on = true.on
        reason = "entered in error: wrong date"
        twin: SampleEntry | None = true
        if kind == "detail" and true.action in ("report_received", "views_received"):
            roles = ("parent_carer", "child") if true.action == "views_received" else None
            options = list(dist.ADVICE_ROLES.values) if roles is None else list(roles)
            fields["role"] = rng.choice([r for r in options if r != fields["role"]])
            reason = "entered in error: wrong role"
        elif kind == "detail" and true.action == "decision_issued":
            fields["decision"] = rng.choice(
                [d for d in ("maintain", "amend") if d != fields["decision"]]
            )
            reason = "entered in error: wrong decision recorded"
        elif kind == "child" and meeting - anchor > 3:
            twin = None
            on = between(rng, anchor + 1, meeting - 1)
            reason = "recorded against the wrong child"
            fields = {"role": "parent_carer"}
            true = SampleEntry("views_received", on, fields, self.caseworker)
        else:
            d = to_date(on)
            if d.day <= 12 and d.day != d.month and rng.random() < 0.3:
                on = ordinal(d.year, d.day, d.month)  # day and month typed the wrong way round
            else:
                on += between(rng, 1, 9) if rng.random() < 0.6 else between(rng, 10, 31)
        wrong = self.add(true.action, on, None, **fields)
        wrong.recorded_by, wrong.uk_dates = true.recorded_by, true.uk_dates
        wrong.mistaken, wrong.link = True, twin
        details = {"void_action": true.action, "void_occurred_on": iso(on), "reason": reason}
        found = SampleEntry("void", 0, details, self.caseworker, link=wrong)
        self.mistakes.append((wrong, found))
