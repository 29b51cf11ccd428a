"""A form's entry recorded exactly as an imported row would be (ingest's parsing and admission,
the same messages), by the signed-in user, at the clock's now."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from ehcp_audit import clock
from ehcp_audit.application import EhcpAudit
from ehcp_audit.domain.vocabulary import DETAIL_COLUMNS, LIST_COLUMNS
from ehcp_audit.ingest.csv_file import SingleRow
from ehcp_audit.ingest.importer import import_rows


@dataclass(frozen=True)
class FormRow(SingleRow):
    """One row typed into a web form."""

    @property
    def name(self) -> str:
        return f"web form ({self.kind})"


@dataclass(frozen=True)
class Outcome:
    recorded: bool
    duplicate: bool
    errors: dict[str, str]  # column ("" for the row) -> the import's message


def form_values(posted: FormData, child_id: str, user: str) -> dict[str, str]:
    """The row an action-log CSV would carry: the detail columns given (a list column from its
    ticked boxes, ';'-joined), recorded_by and recorded_at (now, UTC)."""
    values = {
        "child_id": child_id,
        "action": str(posted.get("action", "")),
        "occurred_on": str(posted.get("occurred_on", "")),
    }
    for column in DETAIL_COLUMNS:
        if column in LIST_COLUMNS:
            ticked = [str(v) for v in posted.getlist(column) if str(v).strip()]
            if ticked:
                values[column] = ";".join(ticked)
        elif str(posted.get(column, "")).strip():
            values[column] = str(posted.get(column, ""))
    values["recorded_by"] = user
    values["recorded_at"] = clock.now().isoformat(timespec="seconds")
    return values


def record(app: EhcpAudit, values: dict[str, str], kind: str) -> Outcome:
    result = import_rows(app, FormRow(values, kind))
    errors = {r.column: r.message for r in result.rejections}
    return Outcome(result.imported > 0, result.duplicates > 0, errors)
