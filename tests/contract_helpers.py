"""Helpers for the contract tests: build action-log CSVs, run the real CLI, read the exports.

Every expected value in the contract tests is derived from /work/shared/spec/RULES.md,
never from the implementation. These helpers only drive the command line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ehcp_audit.cli.main import _register, cli

_register()

COLUMNS = [
    "child_id",
    "action",
    "occurred_on",
    "recorded_by",
    "recorded_at",
    "date_of_birth",
    "school_urn",
    "school_name",
    "meeting_on",
    "role",
    "ehcp_copy_included",
    "invitees",
    "attendees",
    "topics",
    "review_type",
    "decision",
    "outcome",
    "reason",
    "void_action",
    "void_occurred_on",
]

EXPORT_HEADER = "child_id,cycle,due_on,meeting_on,school_urn,measure,deadline,done_on,status"
KPI_HEADER = "period,school_urn,measure,met,missed,overdue,pending,na,rate"

CYCLE_MEASURES = [
    "review_on_time",
    "review_decided_12_months",
    "invitations_4_weeks",
    "invitations_2_weeks",
    "ehcp_copy_with_invitation",
    "invitees_complete",
    "reports_2_weeks",
    "views_2_weeks",
    "papers_circulated_2_weeks",
    "essential_participation",
    "topics_covered",
    "paperwork_2_weeks",
    "decision_4_weeks",
    "decision_2_weeks_after_paperwork",
    "amendments_4_weeks",
    "final_plan_8_weeks",
]
PHASE = "phase_transfer_deadline"

CORE_TOPICS = [
    "important_to_child_family",
    "working_well",
    "concerns",
    "progress_to_outcomes",
    "support_and_provision",
    "impact_of_support",
    "next_steps",
    "personal_budget",
]
CORE = ";".join(CORE_TOPICS)
ALL_TOPICS = CORE + ";preparing_for_adulthood"
FULL_INVITEES = "parent_carer;child;senco;caseworker;health;social_worker"
GOOD_ATTENDEES = "parent_carer;child;senco;caseworker"


# --------------------------------------------------------------------------- row builders


def row(child: str, action: str, occurred_on: str, **extra: str) -> dict[str, str]:
    out = {"child_id": child, "action": action, "occurred_on": occurred_on}
    out.update(extra)
    return out


def plan(child: str, on: str, dob: str = "2010-01-15", urn: str = "123456", **kw: str) -> dict:
    return row(child, "plan_issued", on, date_of_birth=dob, school_urn=urn, **kw)


def meeting(
    child: str,
    on: str,
    attendees: str = GOOD_ATTENDEES,
    topics: str = ALL_TOPICS,
    review_type: str = "",
    **kw: str,
) -> dict:
    extra = {"attendees": attendees, "topics": topics, **kw}
    if review_type:
        extra["review_type"] = review_type
    return row(child, "meeting_held", on, **extra)


def invitations(child: str, on: str, copy: str = "yes", invitees: str = "", **kw: str) -> dict:
    return row(child, "invitations_sent", on, ehcp_copy_included=copy, invitees=invitees, **kw)


def decision(child: str, on: str, what: str = "maintain", **kw: str) -> dict:
    return row(child, "decision_issued", on, decision=what, **kw)


def void(
    child: str, on: str, action: str, action_on: str, reason: str = "entered in error"
) -> dict:
    return row(child, "void", on, void_action=action, void_occurred_on=action_on, reason=reason)


def scheduled(child: str, on: str, meeting_on: str, **kw: str) -> dict:
    return row(child, "review_scheduled", on, meeting_on=meeting_on, **kw)


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    columns: list[str] | None = None,
    bom: bool = False,
) -> Path:
    if columns is None:
        used = {k for r in rows for k in r}
        columns = [c for c in COLUMNS if c in used]
        for c in ("child_id", "action", "occurred_on"):
            if c not in columns:
                columns.insert(0, c)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c, "") for c in columns})
    data = buf.getvalue().encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- the store


@dataclass
class ImportResult:
    exit_code: int
    stderr: str
    stdout: str
    rejects: list[dict[str, str]] = field(default_factory=list)
    rejects_header: list[str] = field(default_factory=list)
    exception: Any = None

    def rejected_rows(self) -> list[int]:
        return [int(r["row"]) for r in self.rejects]

    def error_for(self, row_number: int) -> str:
        for r in self.rejects:
            if int(r["row"]) == row_number:
                return r["error"]
        raise AssertionError(f"row {row_number} not in rejects: {self.rejects}")


class Store:
    """A fresh store, driven only through the CLI: a SQLite file in tmp_path, or `db` (an
    empty store of the `store_db` fixture: a SQLite file or a PostgreSQL database URL)."""

    def __init__(self, tmp_path: Path, name: str = "store", db: str | None = None) -> None:
        self.tmp = tmp_path
        self.db = db or str(tmp_path / f"{name}.sqlite")
        self.name = name
        self.n = 0
        self.runner = CliRunner()

    def _next(self, stem: str) -> Path:
        self.n += 1
        return self.tmp / f"{self.name}-{stem}-{self.n}"

    def import_file(self, csv_path: Path, strict: bool = False) -> ImportResult:
        rej = self._next("rejects").with_suffix(".csv")
        args = ["--db", str(self.db), "import", "actions", str(csv_path), "--rejects", str(rej)]
        if strict:
            args.append("--strict")
        res = self.runner.invoke(cli, args)
        rejects: list[dict[str, str]] = []
        header: list[str] = []
        if rej.exists() and rej.stat().st_size:
            with rej.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                header = list(reader.fieldnames or [])
                rejects = list(reader)
        exc = res.exception if not isinstance(res.exception, SystemExit) else None
        return ImportResult(res.exit_code, res.stderr, res.stdout, rejects, header, exc)

    def imp(
        self,
        rows: list[dict[str, str]],
        columns: list[str] | None = None,
        strict: bool = False,
        bom: bool = False,
        expect: int | None = 0,
    ) -> ImportResult:
        path = write_csv(self._next("actions").with_suffix(".csv"), rows, columns, bom)
        result = self.import_file(path, strict=strict)
        if result.exception is not None:
            raise result.exception
        if expect is not None:
            assert result.exit_code == expect, (
                f"import exit {result.exit_code} (expected {expect}); stderr:\n{result.stderr}\n"
                f"rejects: {result.rejects}"
            )
        return result

    def export_raw(self, as_of: str, known_on: str | None = None) -> str:
        out = self._next("export").with_suffix(".csv")
        args = ["--db", str(self.db), "export", "compliance", "--as-of", as_of]
        if known_on:
            args += ["--as-known-on", known_on]
        args += ["--format", "csv", "--out", str(out)]
        res = self.runner.invoke(cli, args)
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            raise res.exception
        assert res.exit_code == 0, f"export failed ({res.exit_code}): {res.stderr}"
        return out.read_text(encoding="utf-8")

    def export(self, as_of: str, known_on: str | None = None) -> list[dict[str, str]]:
        text = self.export_raw(as_of, known_on)
        return list(csv.DictReader(io.StringIO(text)))

    def kpis_raw(self, period: str, as_of: str, by: str = "school") -> str:
        out = self._next("kpis").with_suffix(".csv")
        args = [
            "--db",
            str(self.db),
            "export",
            "kpis",
            "--period",
            period,
            "--as-of",
            as_of,
            "--by",
            by,
            "--format",
            "csv",
            "--out",
            str(out),
        ]
        res = self.runner.invoke(cli, args)
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            raise res.exception
        assert res.exit_code == 0, f"kpis failed ({res.exit_code}): {res.stderr}"
        return out.read_text(encoding="utf-8")

    def kpis(self, period: str, as_of: str, by: str = "school") -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.kpis_raw(period, as_of, by))))


# --------------------------------------------------------------------------- selecting rows


def pick(rows: list[dict[str, str]], child: str, cycle: int | None, measure: str) -> dict:
    found = [
        r
        for r in rows
        if r["child_id"] == child
        and r["measure"] == measure
        and (cycle is None or r["cycle"] == str(cycle))
    ]
    assert len(found) == 1, f"expected one {child}/{cycle}/{measure} row, got {found}"
    return found[0]


def picks(rows: list[dict[str, str]], child: str, measure: str) -> list[dict]:
    return [r for r in rows if r["child_id"] == child and r["measure"] == measure]


def cycles(rows: list[dict[str, str]], child: str) -> list[int]:
    return sorted({int(r["cycle"]) for r in rows if r["child_id"] == child})


def cycle_info(rows: list[dict[str, str]], child: str, cycle: int) -> tuple[str, str, str]:
    """(due_on, meeting_on, school_urn) of a cycle (checked equal on all its measure rows)."""
    infos = {
        (r["due_on"], r["meeting_on"], r["school_urn"])
        for r in rows
        if r["child_id"] == child and r["cycle"] == str(cycle) and r["measure"] != PHASE
    }
    assert len(infos) == 1, f"cycle {cycle} of {child}: {infos}"
    return next(iter(infos))


def triple(r: dict[str, str]) -> tuple[str, str, str]:
    return (r["deadline"], r["done_on"], r["status"])
