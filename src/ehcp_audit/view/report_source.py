"""The reports' data (reports.data.ReportData) read from the compliance view."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from ehcp_audit.rules.effective import voided_by
from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.row_tuples import entries_by_child

if TYPE_CHECKING:
    from ehcp_audit.store.check import Verified


class ViewReportData:
    def __init__(
        self, view: ComplianceView, at_position: int | None = None, checked: Verified | None = None
    ) -> None:
        """`checked`: the chain's point verified up to the data's position (None: no chain)."""
        self.view = view
        self.at_position = at_position
        self.checked = checked
        self._compliance: dict[date, pd.DataFrame] = {}
        self._setting: dict[tuple[date, str], pd.DataFrame] = {}
        self._entries: pd.DataFrame | None = None

    def compliance(self, as_of: date) -> pd.DataFrame:
        if as_of not in self._compliance:
            self._compliance[as_of] = self.view.compliance(as_of, at_position=self.at_position)
        return self._compliance[as_of]

    def setting_compliance(self, as_of: date, urn: str) -> pd.DataFrame:
        if as_of in self._compliance:
            return self._compliance[as_of]
        if (as_of, urn) not in self._setting:
            self._setting[(as_of, urn)] = self.view.compliance(
                as_of, at_position=self.at_position, school_urn=urn
            )
        return self._setting[(as_of, urn)]

    def entries(self) -> pd.DataFrame:
        if self._entries is None:
            frame = self.view.entries(self.at_position)
            voided: dict[tuple[str, int], str] = {}
            for child_id, entries in entries_by_child(
                self.view.voiding_entry_rows(self.at_position)
            ):
                for seq, void in voided_by(entries).items():
                    voided[(child_id, seq)] = void.get("reason")
            keys = list(zip(frame["child_id"], frame["version"], strict=True))
            frame["voided"] = [k in voided for k in keys]
            frame["void_reason"] = [voided.get(k) for k in keys]
            frame["occurred_on"] = pd.to_datetime(frame["occurred_on"]).dt.date
            self._entries = frame.drop(columns=["version", "known_on"])
        return self._entries

    def rejected_rows(self) -> pd.DataFrame:
        limit = self.at_position if self.at_position is not None else 2**62
        return self.view.con.execute(
            'SELECT imported_at, source, "row", error FROM rejected_rows WHERE position <= ? '
            'ORDER BY position, "row"',
            [limit],
        ).df()

    def school_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for details in self.entries().loc[
            lambda f: f["action"].isin(["plan_issued", "placement_changed"]), "details"
        ]:
            fields = json.loads(details)
            if fields.get("school_name") and fields.get("school_urn"):
                names[fields["school_urn"]] = fields["school_name"]
        return names

    def log_position(self) -> int:
        position = self.view.position()
        return position if self.at_position is None else min(self.at_position, position)

    def verification(self) -> str | None:
        if self.checked is None:
            return None  # this store keeps no chain (an in-memory one)
        return (
            f"intact: all {self.checked.entries:,} entries up to log position "
            f"{self.log_position()} match their hash chain (checked when this report was made)"
        )

    def head_hash(self) -> str | None:
        """Computed by the check, not read from the chain table."""
        if self.checked is None or self.checked.entries == 0:
            return None
        return self.checked.hash.hex()
