"""Work lists of current reviews (issue 18): closed reviews' steps counted apart, the owner split,
the 50-item cap with the companion workbook, and the school report for its SENCO."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ehcp_audit.reports.current_work import LIST_LIMIT
from ehcp_audit.reports.monthly import build_monthly
from ehcp_audit.reports.school import CARD_MEASURES, build_school
from tests.output_cells import xlsx_formulas
from tests.report_fakes import Cycle, FakeReportData

AS_OF = date(2025, 3, 31)
MOVED_ON = "M-001"
FORMULA_CHILD = "=HYPERLINK(1)"
NO_NAMES = "No names of children are held or shown"


class MovedOnData(FakeReportData):
    """The fake authority plus a child whose first review never got its paperwork or decision
    and whose second review has been held (so the first is closed), and a formula-like id."""

    def __init__(self) -> None:
        super().__init__()
        self.cycles += [
            Cycle(MOVED_ON, 1, "100002", date(2024, 3, 1), meeting_on=date(2024, 2, 20)),
            Cycle(MOVED_ON, 2, "100002", date(2025, 2, 20), meeting_on=date(2025, 2, 25)),
            Cycle(FORMULA_CHILD, 1, "@100009", date(2025, 1, 10)),
        ]
        self.names["@100009"] = "+Formula School"


@pytest.fixture(scope="module")
def data() -> MovedOnData:
    return MovedOnData()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("work-lists")


@pytest.fixture(scope="module")
def monthly(data: MovedOnData, out: Path) -> str:
    return build_monthly(data, "2025-03", AS_OF, out).read_text("utf-8")


@pytest.fixture(scope="module")
def school(data: MovedOnData, out: Path) -> str:
    return build_school(data, "100002", "2025-03", AS_OF, out).read_text("utf-8")


def between(text: str, start: str, end: str) -> str:
    return text[text.index(f'id="{start}"') : text.index(f'id="{end}"')]


ROW = re.compile(
    r'<td class="mono child[^"]*">(.*?)(?:<br><span class="child-name">.*?</span>)?'
    r'<br><span class="hint nowrap">cycle (\d+)</span></td>\s*(?:<td>(?:(?!</td>).)*</td>\s*)?'
    r"<td>(.*?)</td>",
    re.S,
)


def listed(section: str) -> list[tuple[str, int, str]]:
    """(child, cycle, step) of each item row in a part of a page."""
    return [(html.unescape(c), int(n), html.unescape(s)) for c, n, s in ROW.findall(section)]


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    book.close()
    return [dict(zip([str(h) for h in rows[0]], r, strict=True)) for r in rows[1:]]


def workbook(out: Path) -> Path:
    return out / "worklist-2025-03.xlsx"


def test_closed_reviews_steps_are_counted_not_listed(monthly: str, out: Path) -> None:
    closed = sheet(workbook(out), "Closed without step")
    assert {(r["child_id"], r["cycle"], r["measure"]) for r in closed} == {
        (MOVED_ON, 1, "paperwork_2_weeks"),
        (MOVED_ON, 1, "decision_4_weeks"),
    }
    current = sheet(workbook(out), "Overdue (current)")
    assert {(r["cycle"], r["measure"]) for r in current if r["child_id"] == MOVED_ON} == {
        (2, "paperwork_2_weeks"),
        (2, "decision_4_weeks"),
    }
    work = between(monthly, "overdue", "missed") + between(monthly, "due-soon", "closed")
    assert (MOVED_ON, 1) not in {(c, n) for c, n, _ in listed(work)}
    assert 'data-closed-measure="paperwork_2_weeks" data-count="1"' in monthly
    assert 'data-closed-school="100002" data-count="2"' in monthly
    assert "Closed without the step (2)" in monthly


def test_owner_split(monthly: str) -> None:
    setting = between(monthly, "overdue-setting", "overdue-la")
    la = between(monthly, "overdue-la", "missed")
    assert "owner--setting" in setting and "owner--la" not in setting
    assert "owner--la" in la and "owner--setting" not in la
    soon_setting = between(monthly, "due-soon-setting", "due-soon-la")
    assert "owner--la" not in soon_setting


def test_at_most_50_most_overdue_listed_the_rest_in_the_file(monthly: str, out: Path) -> None:
    current = sheet(workbook(out), "Overdue (current)")
    assert len(current) > LIST_LIMIT
    days = [int(str(r["days_late"])) for r in current]
    assert days == sorted(days, reverse=True)  # oldest first
    shown = listed(between(monthly, "overdue", "missed"))
    assert len(shown) == LIST_LIMIT
    first = {(str(r["child_id"]), int(str(r["cycle"])), str(r["step"])) for r in current[:50]}
    assert set(shown) == first
    overdue = between(monthly, "overdue", "missed")
    more = sum(int(n) for n in re.findall(r'data-more="(\d+)"', overdue))
    assert more == len(current) - LIST_LIMIT
    assert f"all {len(current):,} are in" in monthly
    assert 'href="worklist-2025-03.xlsx"' in monthly


def test_worklist_file_has_no_live_formulas(out: Path, monthly: str) -> None:
    rows = sheet(workbook(out), "Overdue (current)")
    assert any(r["child_id"] == FORMULA_CHILD for r in rows)
    assert list(xlsx_formulas(workbook(out))) == []


def test_school_report_own_actions_then_the_la(school: str) -> None:
    # The summary and cards fill the first screen; of the lists, the setting's own come first.
    order = [school.index(f'id="{i}"') for i in ("headline", "your-actions", "waiting-on-la")]
    assert order == sorted(order)
    own = listed(between(school, "your-actions", "waiting-on-la"))
    la = listed(between(school, "waiting-on-la", "missed"))
    assert (MOVED_ON, 2, "Review paperwork sent to the LA within 2 weeks of the meeting") in own
    assert (MOVED_ON, 2, "Decision issued within 4 weeks of the meeting") in la
    assert all(cycle == 2 for child, cycle, _ in own + la if child == MOVED_ON)
    assert "2 overdue steps of earlier reviews" in school


def test_school_cards_are_the_settings_measures(school: str) -> None:
    start = school.index('<ul class="cards">')
    cards = school[start : school.index("</ul>", start)]
    assert set(re.findall(r'data-measure="([a-z0-9_]+)"', cards)) == set(CARD_MEASURES)
    la = between(school, "la-measures", "trends")
    assert 'data-measure="decision_4_weeks"' in la
    assert 'data-measure="paperwork_2_weeks"' not in la


def test_the_school_report_shows_no_names_and_has_no_names_option(school: str) -> None:
    """No names in reports (a project rule): the school report offers no key file of names."""
    from ehcp_audit.cli.report_cmds import report

    assert NO_NAMES in school
    school_command = report.commands["school"]
    assert "--names" not in {o for p in school_command.params for o in p.opts}


class CrowdedMonth(FakeReportData):
    """The fake authority plus 60 reviews held in March 2025 with no step done before them
    (several missed steps each), and 60 held in late January recorded 45 days late (in March):
    longer lists than a page shows."""

    def __init__(self) -> None:
        super().__init__()
        held = [date(2025, 3, 1 + n % 28) for n in range(60)]
        late = [date(2025, 1, 16 + n % 16) for n in range(60)]
        self.cycles += [
            Cycle(f"X-{n:03d}", 1, "100001", day, meeting_on=day) for n, day in enumerate(held)
        ]
        self.cycles += [
            Cycle(f"L-{n:03d}", 1, "100002", day, meeting_on=day, late_recorded=True)
            for n, day in enumerate(late)
        ]
        self._entries = self._build_entries()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, CrowdedMonth]:
    data = CrowdedMonth()
    out = tmp_path_factory.mktemp("crowded")
    page = build_monthly(data, "2025-03", AS_OF, out).read_text("utf-8")
    return page, out / "worklist-2025-03.xlsx", data


def test_missed_steps_past_50_are_counted_on_the_page_and_listed_in_the_file(
    crowded: tuple[str, Path, CrowdedMonth],
) -> None:
    page, book, data = crowded
    rows = data.compliance(AS_OF)
    period = rows["deadline"].fillna(rows["done_on"]).fillna(rows["meeting_on"])
    in_month = rows[(rows["status"] == "missed") & period.between(date(2025, 3, 1), AS_OF)]
    filed = sheet(book, "Missed in month")
    assert len(in_month) > LIST_LIMIT
    assert sorted((str(r["child_id"]), r["cycle"], r["measure"]) for r in filed) == sorted(
        zip(in_month["child_id"], in_month["cycle"], in_month["measure"], strict=True)
    )
    section = between(page, "missed", "due-soon")
    assert f"Missed in March 2025 ({len(in_month):,})" in section
    shown = set(re.findall(r'<tr data-missed-measure="([a-z0-9_]+)" data-child="([^"]+)"', section))
    assert len(shown) == LIST_LIMIT
    assert f'data-more="{len(in_month) - LIST_LIMIT}"' in section
    # The 50 that fell due latest: none left out fell due after one shown.
    when = {
        (r["measure"], r["child_id"]): str(r["deadline"] or r["done_on"] or r["meeting_on"])
        for r in filed
    }
    shown_on = [d for key, d in when.items() if key in shown]
    left_out = [d for key, d in when.items() if key not in shown]
    assert min(shown_on) >= max(left_out)


def test_data_quality_lists_past_50_are_cut_and_filed_in_full(
    crowded: tuple[str, Path, CrowdedMonth],
) -> None:
    page, book, _ = crowded
    late = sheet(book, "Late entries")
    assert len(late) > LIST_LIMIT
    section = between(page, "late", "voids")
    assert f"after they happened ({len(late):,})" in section
    assert section.count("<tr><td class=") == LIST_LIMIT
    assert f'data-more="{len(late) - LIST_LIMIT}"' in section
    lags = [int(str(r["lag_days"])) for r in late]
    assert lags == sorted(lags, reverse=True)  # the most late first, as on the page
    assert {"Voids", "Rejected rows", "Meetings not recorded"} <= set(
        load_workbook(book, read_only=True).sheetnames
    )
