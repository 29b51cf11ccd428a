"""Whether the recorded data covers a report's period: an empty store, a period that has not
begun, or one in which nothing is recorded gives a report that looks real but says nothing, so
it is refused (RefusedError, exit status 2) unless the user asks for it (--allow-empty)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ehcp_audit.errors import RefusedError
from ehcp_audit.reports.data import ReportData, Rows, entry_rows
from ehcp_audit.reports.render import uk_date

ALLOW = "give --allow-empty to write it anyway"
# The business dates recorded, each once, in order (a plain list: no pandas to load).
Days = Sequence[date]


@dataclass(frozen=True)
class Period:
    """The days a report covers, and how the refusal names them ('October 2026')."""

    label: str
    start: date
    end: date


def recorded_days(entries: Rows) -> Days:
    """The business dates of the entries that stand. A void counts (the month's report shows the
    correction); an entry it cancelled does not."""
    import pyarrow as pa  # loaded already by whatever made `entries`

    if isinstance(entries, pa.Table):
        days, voided = (entries.column(c).to_pylist() for c in ("occurred_on", "voided"))
    else:
        days, voided = list(entries["occurred_on"]), list(entries["voided"])
    return sorted({day for day, gone in zip(days, voided, strict=True) if not gone})


def recorded_days_of(data: ReportData) -> Days:
    """recorded_days of the data's entry log, where the store offers them
    (`recorded_days()`, optional: the view's reads its own log, no copy)."""
    cheaper = getattr(data, "recorded_days", None)
    if cheaper is not None:
        days: Days = cheaper()
        return days
    return recorded_days(entry_rows(data))


def refuse_empty_store(days: Days, allow: str = ALLOW) -> None:
    if not days:
        raise RefusedError(f"nothing is recorded in this store yet: no report made ({allow})")


def refuse_future_as_of(as_of: date, today: date) -> None:
    """A report states what is recorded as of a day that has come: as of a later day, steps not yet
    late would read as overdue. Not waived by --allow-empty (it is a typo, not an empty period)."""
    if as_of > today:
        raise RefusedError(
            f"--as-of {uk_date(as_of)} is after today ({uk_date(today)}): a report can only be "
            "made as of a day that has come; no report made"
        )


def refuse_nothing_due(rows: int, label: str) -> None:
    """A due list with no review due in its term: a term before the first plan or long after
    the last recorded review."""
    if rows == 0:
        raise RefusedError(
            f"no review falls due in {label} in the recorded data: no report made ({ALLOW})"
        )


def refuse_uncovered(
    entries: Rows | Days, period: Period, as_of: date, today: date, allow: str = ALLOW
) -> None:
    """Raise RefusedError, naming the reason in one line, where the data cannot support a report
    on `period` as of `as_of`. `entries`: the entry log, or its recorded_days; `allow`: how the
    user asks for it anyway (the web page has a checkbox, not --allow-empty)."""
    days = entries if isinstance(entries, Sequence) else recorded_days(entries)
    refuse_empty_store(days, allow)
    if period.start > today:
        raise RefusedError(
            f"{period.label} has not begun (today is {uk_date(today)}): no report made ({allow})"
        )
    if period.start > as_of:
        raise RefusedError(
            f"{period.label} begins after the as-of date {uk_date(as_of)}: no report made "
            f"({allow})"
        )
    last = min(period.end, as_of)
    if not any(period.start <= day <= last for day in days):
        up_to = f" up to {uk_date(last)}" if last < period.end else ""
        raise RefusedError(
            f"nothing is recorded with a date in {period.label}{up_to} "
            f"(recorded dates run from {uk_date(min(days))} to {uk_date(max(days))}); "
            f"import that period's action log first, or {allow}"
        )
