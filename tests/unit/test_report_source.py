"""What the reports read from the view: one setting's compliance rows (a school report judges
only its children again) and the log's voided entries (read only for children with a void)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.rules.effective import voided_by
from ehcp_audit.samples.generator import DEFAULT_END
from ehcp_audit.view import compliance_view
from ehcp_audit.view.report_source import ViewReportData
from ehcp_audit.view.row_tuples import entries_by_child
from tests.store_helpers import generated

DAYS = (date(2024, 3, 31), date(2025, 9, 30), DEFAULT_END)


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[date, str | None], pd.DataFrame]:
    tmp = tmp_path_factory.mktemp("setting")
    store = Settings(db=str(tmp / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, generated(tmp, 60, seed=5)).rejected == 0
    with open_view(store, app) as view:
        view.catch_up()
        answers: dict[tuple[date, str | None], pd.DataFrame] = {}
        for day in DAYS:
            answers[(day, None)] = view.compliance(day)
            urns = answers[(day, None)]["school_urn"].dropna().unique()
            for urn in urns:
                answers[(day, str(urn))] = view.compliance(day, school_urn=str(urn))
        answers[(DAYS[1], "past")] = view.compliance(DAYS[1], at_position=view.position() // 2)
        urn = str(answers[(DAYS[1], None)]["school_urn"].dropna().iloc[0])
        positions = view.con.execute(
            "SELECT position FROM entries WHERE action = 'void' ORDER BY position"
        ).fetchall()
        assert len(positions) >= 2, "the sample has too few voids for the test"
        for at in (None, positions[0][0], positions[0][0] - 1):
            read = ViewReportData(view, at).entries()
            voided = _voided_in_whole_log(view.entry_rows(at))
            log = view.entries(at)
            keys = list(zip(log["child_id"], log["version"], strict=True))
            reasons = [None if pd.isna(r) else r for r in read["void_reason"]]
            assert reasons == [voided.get(k) for k in keys], at
            assert list(read["voided"]) == [k in voided for k in keys], at
            assert bool(voided) == (at != positions[0][0] - 1), at
        answers[(DAYS[1], "past-" + urn)] = view.compliance(
            DAYS[1], at_position=view.position() // 2, school_urn=urn
        )
        return answers


def _voided_in_whole_log(rows: list[tuple[Any, ...]]) -> dict[tuple[str, int], str | None]:
    """Every child's voided entries, judged over the whole log (the reference)."""
    voided: dict[tuple[str, int], str | None] = {}
    for child_id, entries in entries_by_child(rows):
        for seq, void in voided_by(entries).items():
            voided[(child_id, seq)] = void.get("reason")
    return voided


def _rows(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    return frame[keep].reset_index(drop=True)


def test_a_settings_rows_are_its_childrens_whole_rows(frames) -> None:
    moved = 0
    for (day, urn), scoped in frames.items():
        if urn is None or urn.startswith("past"):
            continue
        full = frames[(day, None)]
        children = set(scoped["child_id"])
        # Every row naming the setting is there, and each child's rows are all there.
        pd.testing.assert_frame_equal(
            _rows(scoped, scoped["school_urn"] == urn), _rows(full, full["school_urn"] == urn)
        )
        pd.testing.assert_frame_equal(
            scoped.reset_index(drop=True), _rows(full, full["child_id"].isin(children))
        )
        assert len(children) < full["child_id"].nunique()
        moved += int((scoped["school_urn"] != urn).any())
    assert moved, "no child of the sample moved setting: the test would not see one"


def test_a_settings_rows_at_an_earlier_log_position(frames) -> None:
    key = next(k for k in frames if isinstance(k[1], str) and k[1].startswith("past-"))
    urn, full = key[1].removeprefix("past-"), frames[(key[0], "past")]
    scoped = frames[key]
    pd.testing.assert_frame_equal(
        _rows(scoped, scoped["school_urn"] == urn), _rows(full, full["school_urn"] == urn)
    )


def test_a_past_answer_judged_partly_in_a_forked_copy_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, generated(tmp_path, 60, seed=5)).rejected == 0
    with open_view(store, app) as view:
        view.catch_up()
        here = [view.compliance(day, known_on) for day in DAYS for known_on in (None, DAYS[1])]
        monkeypatch.setattr(compliance_view, "FORK_FROM_CHILDREN", 2)
        split = [view.compliance(day, known_on) for day in DAYS for known_on in (None, DAYS[1])]
    for one, other in zip(here, split, strict=True):
        pd.testing.assert_frame_equal(one, other)
    assert len(here[0]) > 0


def _plain(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """Rows as Python values, a missing one as None, a day as a Timestamp (Arrow gives dates,
    a DataFrame from DuckDB timestamps)."""

    def cell(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
            return None
        if isinstance(value, date) and not isinstance(value, pd.Timestamp):
            return pd.Timestamp(value)
        return value.item() if hasattr(value, "item") else value

    return [tuple(cell(v) for v in row) for row in frame.itertuples(index=False)]


def _rules_order(row: tuple[object, ...]) -> tuple[object, ...]:
    """child_id, cycle, measure, then deadline with blanks first (RULES.md section 4)."""
    deadline = row[6]
    return (row[0], row[1], row[5], deadline is not None, deadline or pd.Timestamp.min)


def test_the_arrow_answers_hold_the_dataframes_rows(tmp_path: Path) -> None:
    """compliance_table and entry_rows (what the reports load) equal compliance and entries."""
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, generated(tmp_path, 60, seed=5)).rejected == 0
    with open_view(store, app) as view:
        view.catch_up()
        urn = str(view.compliance(DAYS[1])["school_urn"].dropna().iloc[0])
        for day in DAYS:
            for options in ({}, {"known_on": DAYS[1]}, {"school_urn": urn}):
                frame = view.compliance(day, **options)
                table = view.compliance_table(day, **options)
                assert table.column_names == list(frame.columns)
                # The same rows; the table comes unsorted, the export's frame in RULES.md order.
                rows = _plain(table.to_pandas())
                assert sorted(rows, key=repr) == sorted(_plain(frame), key=repr)
                assert _plain(frame) == sorted(_plain(frame), key=_rules_order)
        voids = view.con.execute("SELECT min(position) FROM entries WHERE action = 'void'")
        first_void = voids.fetchall()[0][0]
        for at in (None, first_void, first_void - 1):
            data = ViewReportData(view, at)
            rows = data.entry_rows().to_pandas()
            assert any(rows["voided"]) == (at != first_void - 1)
            assert list(rows.columns) == list(data.entries().columns)
            assert _plain(rows) == _plain(data.entries())


def test_the_summaries_read_in_the_view_equal_those_of_the_loaded_log(tmp_path: Path) -> None:
    """What a school report reads instead of loading the log and a day's every row (provenance's
    sources, the days that stand, a month's rows) equals what the loaded copies give."""
    from ehcp_audit.reports.coverage import recorded_days
    from ehcp_audit.view.frames import compliance_connection, register_entries
    from ehcp_audit.view.queries import records

    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, generated(tmp_path, 60, seed=5)).rejected == 0
    with open_view(store, app) as view:
        view.catch_up()
        voids = view.con.execute("SELECT min(position) FROM entries WHERE action = 'void'")
        first_void = voids.fetchall()[0][0]
        for at in (None, first_void, first_void - 1):
            data = ViewReportData(view, at)
            con = duckdb.connect(":memory:")
            register_entries(con, data.entry_rows())
            assert data.source_summary() == records(con, "source_summary"), at
            days = recorded_days(data.entry_rows())
            assert list(data.recorded_days()) == sorted(set(days)), at
            for day in DAYS:
                start, end = date(day.year, day.month, 1), day
                period = data.period_rows(day, start, end)
                whole = ViewReportData(view, at).compliance_rows(day)
                counts = [
                    records(compliance_connection(rows), "kpi_counts", start=start, end=end,
                            by_school=True, school_urn=None)
                    for rows in (period, whole)
                ]  # fmt: skip
                assert counts[0] == counts[1] and counts[0], (at, day)
                assert period.num_rows < whole.num_rows


def test_a_months_entries_and_the_dfe_actions_read_in_the_view_give_the_same_answers(
    tmp_path: Path,
) -> None:
    """The monthly report loads only the entries its data-quality checks read (recorded or dated
    in the month), and the DfE figures only their actions' entries: the checks' lists and the
    figures equal those from the whole log, with voids applied over the whole log."""
    from ehcp_audit.reports.quality import data_quality
    from ehcp_audit.view.dfe_measures import (
        READ_ACTIONS,
        READ_MEASURES,
        dfe_measure_rows,
        year_end,
    )
    from ehcp_audit.view.frames import register_entries, register_rejected

    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, generated(tmp_path, 60, seed=5)).rejected == 0
    with open_view(store, app) as view:
        view.catch_up()
        voids = view.con.execute("SELECT min(position) FROM entries WHERE action = 'void'")
        first_void = voids.fetchall()[0][0]
        months = view.con.execute(
            "SELECT DISTINCT CAST(date_trunc('month', known_on) AS DATE) FROM entries "
            "WHERE action = 'void'"
        ).fetchall()
        seen = 0
        for at in (None, first_void, first_void - 1):
            for (start,) in months:
                end = start.replace(day=monthrange(start.year, start.month)[1])
                lists = []
                for rows in (
                    ViewReportData(view, at).period_entry_rows(start, end),
                    ViewReportData(view, at).entry_rows(),
                ):
                    con = duckdb.connect(":memory:")
                    register_entries(con, rows)
                    register_rejected(con, ViewReportData(view, at).rejected_table())
                    lists.append(data_quality(con, start, end))
                assert lists[0] == lists[1], (at, start)
                seen += len(lists[0].voids) + len(lists[0].late_entries)
            data = ViewReportData(view, at)
            whole = data.entry_rows()
            chosen = ViewReportData(view, at).action_entry_rows(READ_ACTIONS)
            assert chosen.num_rows < whole.num_rows
            for year in (2024, 2025):
                rows = data.compliance_rows(year_end(year))
                assert dfe_measure_rows(rows, chosen, year) == dfe_measure_rows(rows, whole, year)
                # The figures' own measures, cut in the view, give the same figures.
                cut = ViewReportData(view, at).measure_rows(year_end(year), READ_MEASURES)
                assert set(cut.column("measure").to_pylist()) <= set(READ_MEASURES)
                assert cut.num_rows < rows.num_rows
                assert dfe_measure_rows(cut, chosen, year) == dfe_measure_rows(rows, chosen, year)
        assert seen, "no void or late entry in the months checked: the test would not see one"
