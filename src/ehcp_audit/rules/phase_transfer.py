"""Phase transfers (reg 18; RULES.md section 3, "Phase transfers")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ehcp_audit.rules.calendar import cohort_year


@dataclass(frozen=True, slots=True)
class PhaseTransfer:
    name: str
    deadline: date

    @property
    def school_year_starts(self) -> date:
        return date(self.deadline.year - 1, 9, 1)

    @property
    def school_year_ends(self) -> date:
        return date(self.deadline.year, 8, 31)


def transfers_for(date_of_birth: date) -> tuple[PhaseTransfer, ...]:
    c = cohort_year(date_of_birth)
    return (
        PhaseTransfer("reception", date(c + 4, 2, 15)),
        PhaseTransfer("year_6_to_7", date(c + 11, 2, 15)),
        PhaseTransfer("year_11_to_post_16", date(c + 16, 3, 31)),
    )


def applicable_transfers(
    date_of_birth: date, issued_on: date, ceased_on: date | None
) -> list[PhaseTransfer]:
    """Transfers whose school year began after the plan was issued and that the plan was not
    ceased before. Whether the row is visible yet (its school year has begun) is the caller's."""
    return [
        t
        for t in transfers_for(date_of_birth)
        if issued_on < t.school_year_starts and (ceased_on is None or ceased_on >= t.deadline)
    ]


def final_plan_for(final_plans: Iterable[date], transfer: PhaseTransfer) -> date | None:
    """The earliest final plan (`final_plans`: their dates, in business order) dated in the
    transfer's school year, in a cycle or not."""
    for issued in final_plans:
        if transfer.school_year_starts <= issued <= transfer.school_year_ends:
            return issued
    return None
