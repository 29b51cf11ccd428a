"""The inspection pack's cases (issue 18): sampling modes, the draw across settings, named
children, each case's summary, the timeline in business-date order, dates of birth hidden."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ehcp_audit.errors import RefusedError
from ehcp_audit.reports.inspection import build_inspection
from ehcp_audit.reports.pupil_age import age_words
from ehcp_audit.reports.sampling import Candidate, SampleFrom, candidates, draw
from ehcp_audit.view.frames import COMPLIANCE_COLUMNS, ENTRY_COLUMNS, compliance_connection

AS_OF = date(2025, 5, 31)
START, END = date(2025, 3, 1), date(2025, 5, 31)
BIG, SMALL, OTHER = "100001", "100002", "100003"

_d = date.fromisoformat


def _day(text: str | None) -> date | None:
    return _d(text) if text else None


def row(
    child: str,
    measure: str,
    status: str,
    deadline: str | None,
    done: str | None = None,
    urn: str = BIG,
    cycle: int = 1,
    meeting: str | None = None,
) -> tuple[object, ...]:
    """A compliance row (its due date is its deadline: only the reports read these rows)."""
    dead = _day(deadline)
    return (child, cycle, dead, _day(meeting), urn, measure, dead, _day(done), status)


def entry(position: int, child: str, action: str, on: str, **details: str) -> dict[str, object]:
    voided = details.pop("voided_because", "")
    return {
        "position": position,
        "child_id": child,
        "action": action,
        "occurred_on": _d(on),
        "recorded_by": "caseworker",
        "recorded_at": "",
        "imported_at": f"2025-05-0{1 + position % 9}T09:00:00",
        "source": "log.csv sha256:ab12",
        "source_row": position,
        "details": json.dumps(details),
        "voided": bool(voided),
        "void_reason": voided,
    }


# K-001: one review due in the period, held 10 days late; invitations never sent before it;
# the decision overdue on the as-of date; a missed step of 2024 (outside the period).
K001_ROWS = [
    row("K-001", "review_on_time", "missed", "2025-04-20", "2025-04-30", meeting="2025-04-30"),
    row("K-001", "invitations_2_weeks", "missed", "2025-04-16", meeting="2025-04-30"),
    row("K-001", "papers_circulated_2_weeks", "met", "2025-04-16", "2025-04-10"),
    row("K-001", "decision_4_weeks", "overdue", "2025-05-28", meeting="2025-04-30"),
    row("K-001", "reports_2_weeks", "n/a", None, meeting="2025-04-30"),
    row("K-001", "paperwork_2_weeks", "missed", "2024-06-01", "2024-07-01", cycle=0),
]
K001_ENTRIES = [
    # Recorded in the log before the 29 April booking, it happened after it.
    entry(1, "K-001", "plan_issued", "2024-04-20", date_of_birth="2014-03-10", school_urn=BIG),
    entry(2, "K-001", "meeting_held", "2025-04-30", review_type="annual"),
    entry(3, "K-001", "review_scheduled", "2025-04-29", meeting_on="2025-04-30"),
    entry(4, "K-001", "invitations_sent", "2025-04-01", voided_because="entered in error"),
]


BIG_CHILDREN = {f"B-{n:02d}" for n in range(12)}


def _population_rows() -> list[tuple[object, ...]]:
    """12 children at BIG, 2 at SMALL, 2 at OTHER; L-* late, P-* with a phase transfer."""
    rows = []
    for n in range(12):
        status = "missed" if n < 3 else "met"
        rows.append(row(f"B-{n:02d}", "review_on_time", status, "2025-04-10", "2025-04-12", BIG))
    rows += [
        row("L-S1", "decision_4_weeks", "overdue", "2025-05-01", urn=SMALL),
        row("S-02", "review_on_time", "met", "2025-05-01", "2025-04-30", SMALL),
        row("P-O1", "phase_transfer_deadline", "met", "2025-03-31", "2025-03-20", OTHER),
        row("P-O1", "review_on_time", "met", "2025-05-02", "2025-05-02", OTHER),
        row("O-02", "phase_transfer_deadline", "n/a", None, urn=OTHER, meeting="2025-04-02"),
        row("O-02", "review_on_time", "pending", "2025-06-30", urn=OTHER),
        row("O-02", "phase_transfer_deadline", "met", "2024-03-31", "2024-03-01", OTHER),
        # A late step outside the period does not make a child late in it.
        row("O-03", "review_on_time", "missed", "2024-04-10", "2024-05-01", OTHER),
        row("O-03", "review_on_time", "met", "2025-04-10", "2025-04-01", OTHER, cycle=2),
    ]
    return rows


class CraftedData:
    """A ReportData over the compliance rows and entries written out above."""

    def __init__(self, rows: list[tuple[object, ...]], entries: list[dict[str, object]]) -> None:
        self.rows, self.log = rows, entries

    def compliance(self, as_of: date) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(COMPLIANCE_COLUMNS))

    def setting_compliance(self, as_of: date, urn: str) -> pd.DataFrame:
        return self.compliance(as_of)

    def entries(self) -> pd.DataFrame:
        return pd.DataFrame(self.log, columns=list(ENTRY_COLUMNS))

    def rejected_rows(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["imported_at", "source", "row", "error"])

    def school_names(self) -> dict[str, str]:
        return {BIG: "Oakfield Primary School"}

    def log_position(self) -> int:
        return len(self.log)

    def head_hash(self) -> str | None:
        return None

    def verification(self) -> str | None:
        return None


def crafted() -> CraftedData:
    rows = K001_ROWS + _population_rows()
    children = sorted({str(r[0]) for r in rows} - {"K-001"})
    entries = K001_ENTRIES + [
        entry(10 + n, child, "plan_issued", "2023-09-01", date_of_birth="2012-01-05")
        for n, child in enumerate(children)
    ]
    return CraftedData(rows, entries)


def cases(page: Path) -> list[str]:
    return re.findall(r'<dl class="meta case-summary" data-case="([^"]+)"', page.read_text("utf-8"))


def pack(tmp_path: Path, sample: int = 40, **options: object) -> Path:
    out = tmp_path / "out"
    return build_inspection(crafted(), "2025-03", "2025-05", AS_OF, sample, 3, (), out, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("all", {"K-001", "L-S1", "S-02", "P-O1", "O-02", "O-03"} | BIG_CHILDREN),
        ("late", {"K-001", "L-S1", "B-00", "B-01", "B-02"}),
        ("phase-transfer", {"P-O1"}),
        (f"school:{SMALL}", {"L-S1", "S-02"}),
    ],
)
def test_each_mode_draws_only_its_eligible_children(
    tmp_path: Path, mode: str, expected: set[str]
) -> None:
    assert set(cases(pack(tmp_path, sample_from=mode))) == expected


def test_a_small_sample_keeps_to_the_mode(tmp_path: Path) -> None:
    for seed in range(5):
        out = tmp_path / str(seed)
        page = build_inspection(
            crafted(), "2025-03", "2025-05", AS_OF, 2, seed, (), out, sample_from="late"
        )
        chosen = cases(page)
        assert len(chosen) == 2 and set(chosen) <= {"K-001", "L-S1", "B-00", "B-01", "B-02"}


def test_sample_from_is_read_and_refused_clearly() -> None:
    assert SampleFrom.parse(" School:123456 ") == SampleFrom("school", "123456")
    assert SampleFrom.parse("LATE") == SampleFrom("late")
    for bad in ("school:", "overdue", ""):
        with pytest.raises(ValueError, match=r"school|one of"):
            SampleFrom.parse(bad)


def _candidates(per_setting: dict[str, int]) -> list[Candidate]:
    return [
        Candidate(f"{urn}-{n:03d}", urn, (urn,), False, False)
        for urn, count in per_setting.items()
        for n in range(count)
    ]


def test_the_draw_spreads_across_settings() -> None:
    population = _candidates({"A": 60, "B": 3, "C": 3, "D": 2})
    for seed in range(30):
        chosen = draw(population, 4, seed, stratify=True)
        assert {c.split("-")[0] for c in chosen} == {"A", "B", "C", "D"}
        assert chosen == draw(population, 4, seed, stratify=True)  # reproducible
    # A simple random sample of the same population mostly lands in the big setting.
    plain = [draw(population, 4, seed, stratify=False) for seed in range(30)]
    assert any(len({c.split("-")[0] for c in chosen}) < 4 for chosen in plain)


def test_a_setting_gives_a_second_child_only_when_every_setting_gave_one() -> None:
    population = _candidates({"A": 60, "B": 3, "C": 1})
    for seed in range(20):
        settings = [c.split("-")[0] for c in draw(population, 5, seed, stratify=True)]
        assert settings.count("C") == 1 and settings.count("B") >= 1 and len(settings) == 5
    assert len(draw(population, 100, 1, stratify=True)) == 64  # never more than there are


def test_the_stratum_is_the_setting_of_the_latest_row_in_the_period() -> None:
    rows = [
        row("M-1", "review_on_time", "met", "2025-04-02", "2025-04-01", SMALL),
        row("M-1", "decision_4_weeks", "met", "2025-05-20", "2025-05-01", OTHER, cycle=1),
    ]
    con = compliance_connection(pd.DataFrame(rows, columns=list(COMPLIANCE_COLUMNS)))
    (moved,) = candidates(con, START, END)
    assert moved.stratum == OTHER and moved.settings == (SMALL, OTHER)
    assert SampleFrom("school", SMALL).eligible(moved)


def test_named_children_come_first_and_unknown_ones_are_refused(tmp_path: Path) -> None:
    named = ("O-03", "K-001")
    page = build_inspection(crafted(), "2025-03", "2025-05", AS_OF, 1, 3, named, tmp_path / "a")
    chosen = cases(page)
    assert chosen[:2] == ["O-03", "K-001"] and len(chosen) in (2, 3)
    assert page.read_text("utf-8").count("(named)") == 2
    with pytest.raises(RefusedError, match="'K-999'"):
        build_inspection(
            crafted(), "2025-03", "2025-05", AS_OF, 1, 3, ("K-001", "K-999"), tmp_path / "b"
        )
    assert not (tmp_path / "b").exists()
    with pytest.raises(RefusedError, match="no setting with URN '999999'"):
        pack(tmp_path, sample_from="school:999999")


def test_cli_children_and_sample_from(tmp_path: Path) -> None:
    from ehcp_audit.bootstrap import Bootstrap
    from ehcp_audit.cli.main import cli
    from ehcp_audit.cli.report_cmds import report

    cli.add_command(report)
    fakes = partial(Bootstrap, report_data_factory=lambda *_: crafted())
    base = ["report", "inspection", "--from", "2025-03", "--to", "2025-05", "--as-of", "2025-05-31"]
    invoke = partial(CliRunner().invoke, cli, obj=fakes)
    good = invoke([*base, "--children", "K-001, O-03", "--sample", "0", "--out", str(tmp_path)])
    assert good.exit_code == 0, good.output
    page = tmp_path / "inspection-2025-03-to-2025-05.html"
    assert cases(page) == ["K-001", "O-03"]
    words = " ".join(re.sub(r"<[^>]*>", " ", page.read_text("utf-8")).split())
    assert "--child K-001 --child O-03" in words  # the reproduce command
    missing = invoke([*base, "--children", "K-001,Z-404", "--out", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "'Z-404'" in missing.output
    assert "Traceback" not in missing.output
    bad = invoke([*base, "--sample-from", "overdue"])
    assert bad.exit_code == 2 and "--sample-from" in bad.output
    late = invoke([*base, "--sample-from", "late", "--sample", "9", "--out", str(tmp_path / "l")])
    assert late.exit_code == 0, late.output
    assert set(cases(tmp_path / "l" / "inspection-2025-03-to-2025-05.html")) == {
        "K-001",
        "L-S1",
        "B-00",
        "B-01",
        "B-02",
    }


def _case_html(page: Path, child: str) -> str:
    text = page.read_text("utf-8")
    start = text.index(f'data-case="{child}"')
    return text[start : text.index("</article>", start)]


def test_the_timeline_is_in_business_date_order(tmp_path: Path) -> None:
    page = build_inspection(crafted(), "2025-03", "2025-05", AS_OF, 0, 1, ("K-001",), tmp_path)
    positions = re.findall(r'<tr data-position="(\d+)"', _case_html(page, "K-001"))
    # plan 2024-04-20 (1), voided invitation 1 April (4), booking 29 April (3), meeting 30 April (2)
    assert positions == ["1", "4", "3", "2"]
    timeline = _case_html(page, "K-001").split("Entries for child")[1].split("Steps for child")[0]
    assert timeline.index("29 April 2025") < timeline.index("30 April 2025")
    assert "Voided: entered in error" in timeline


def test_the_summary_says_what_was_missed_why_and_by_whom(tmp_path: Path) -> None:
    page = build_inspection(crafted(), "2025-03", "2025-05", AS_OF, 0, 1, ("K-001",), tmp_path)
    case = _case_html(page, "K-001")
    assert 'data-reviews="1"' in case and "0 held on time, 1 held late" in case
    # Period rows: review missed, invitations missed, papers met, decision overdue, reports n/a.
    assert 'data-record="1 2 1 0 1"' in case
    late = re.findall(
        r'<tr data-late-measure="([a-z0-9_]+)" data-days-late="(\d*)">(.*?)</tr>', case
    )
    assert [(m, d) for m, d, _ in late] == [
        ("invitations_2_weeks", ""),
        ("review_on_time", "10"),
        ("decision_4_weeks", "3"),
    ]
    why = {m: cells for m, _, cells in late}
    assert "Not done before the review meeting was held" in why["invitations_2_weeks"]
    assert "Done 10 days late" in why["review_on_time"] and "setting" in why["review_on_time"]
    assert "3 days past the deadline" in why["decision_4_weeks"]
    assert "local authority" in why["decision_4_weeks"]
    assert "1 June 2024" not in case.split("Entries for child")[0]  # 2024 is not in the period


def test_date_of_birth_hidden_unless_full_details(tmp_path: Path) -> None:
    hidden = build_inspection(
        crafted(), "2025-03", "2025-05", AS_OF, 0, 1, ("K-001",), tmp_path / "a"
    ).read_text("utf-8")
    for shown in ("2014-03-10", "10 March 2014", "10/03/2014"):
        assert shown not in hidden
    assert "age 11, Year 6 on 31 May 2025" in hidden
    assert "date of birth: hidden (age 10, Year 5 on this date)" in hidden  # the 2024 plan entry
    full = build_inspection(
        crafted(), "2025-03", "2025-05", AS_OF, 0, 1, ("K-001",), tmp_path / "b", full_details=True
    ).read_text("utf-8")
    assert "10 March 2014" in full and "date of birth: 2014-03-10" in full
    assert "data-full-details" in full and "--full-details" in full


@pytest.mark.parametrize(
    ("born", "on", "words"),
    [
        ("2014-03-10", "2025-05-31", "age 11, Year 6"),
        ("2014-09-01", "2025-05-31", "age 10, Year 5"),  # September-born: the year below
        ("2020-08-31", "2025-05-31", "age 4, Reception"),
        ("2022-01-01", "2025-05-31", "age 3, below Reception (early years)"),
        ("2004-01-01", "2025-05-31", "age 21, beyond Year 13"),
        ("2012-02-29", "2025-02-28", "age 12, Year 8"),
    ],
)
def test_age_and_year_group(born: str, on: str, words: str) -> None:
    assert age_words(_d(born), _d(on)) == words


def test_a_case_without_a_date_of_birth_says_so(tmp_path: Path) -> None:
    data = crafted()
    data.log = [e for e in data.log if e["child_id"] != "O-03"] + [
        entry(99, "O-03", "review_scheduled", "2025-04-01", meeting_on="2025-04-02")
    ]
    page = build_inspection(data, "2025-03", "2025-05", AS_OF, 0, 1, ("O-03",), tmp_path)
    assert "no date of birth recorded" in _case_html(page, "O-03")
