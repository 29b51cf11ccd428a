"""What the reports read: the interface the application's store implements (see bootstrap)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import pandas as pd


class ReportData(Protocol):
    def compliance(self, as_of: date) -> pd.DataFrame:
        """One row per (child, cycle, measure) and per phase transfer, evaluated as of `as_of`.

        Columns: child_id, cycle, due_on, meeting_on, school_urn, measure, deadline, done_on,
        status (RULES.md section 4 "Compliance CSV"); dates are datetime.date or None/NaT.
        """
        ...

    def setting_compliance(self, as_of: date, urn: str) -> pd.DataFrame:
        """At least the rows of every child who can be placed at setting `urn` as of `as_of`,
        each such child with all its rows (a report filters by setting itself); a store may
        answer with every row, as `compliance` does."""
        ...

    def entries(self) -> pd.DataFrame:
        """Every recorded entry, voids and voided ones included, in log order.

        Columns: position, child_id, action, occurred_on, recorded_by, recorded_at, imported_at,
        source, source_row, details (JSON object of the other columns), voided, void_reason.
        """
        ...

    def rejected_rows(self) -> pd.DataFrame:
        """Rows refused by imports: imported_at, source, row, error."""
        ...

    def school_names(self) -> dict[str, str]:
        """URN -> school name, for the URNs whose name is known."""
        ...

    def log_position(self) -> int:
        """The event-log position the data was computed from."""
        ...

    def head_hash(self) -> str | None:
        """The head of the integrity chain, or None while there is none."""
        ...

    def verification(self) -> str | None:
        """The result of checking the log up to the data's position against its hash chain when
        the data was read, in plain words (None where the store keeps no chain)."""
        ...
