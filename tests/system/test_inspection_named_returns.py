"""Issue 21, six children in minutes: `report inspection --children` writes each named child's
Annex A List 1 row (the cells `export annex-a` writes, dates DD/MM/YYYY) and, with
`--their-list`, the child's differences from the authority's own List 1 beside the case."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from ehcp_audit.cli.main import cli
from ehcp_audit.rules.annex_a.list1 import HEADERS, LAST_REVIEWED
from tests.contract_helpers import Store, decision, meeting, plan, row

HISTORY = [
    plan("N1", "2024-02-01", dob="2012-05-10", urn="123456"),
    meeting("N1", "2025-01-20"),
    decision("N1", "2025-02-10", "amend"),
    row("N1", "final_plan_issued", "2025-03-15"),
    row("N1", "placement_changed", "2025-09-01", school_urn="654321"),
    plan("N2", "2024-06-03", dob="2015-11-30", urn="123456"),
    meeting("N2", "2025-05-12"),
    decision("N2", "2025-05-30"),
]
# N1's List 1 row on 31 October 2025, by hand (the person columns are blank without people.csv).
N1_CELLS = {
    "Unique ID": "N1",
    "Date of birth": "10/05/2012",
    "Date initial EHC plan issued": "01/02/2024",
    "Date updated EHC plan issued": "15/03/2025",
    "Date EHC plan last reviewed": "20/01/2025",
    "Main education establishment \u2013 URN": "654321",
}
AS_OF = "2025-10-31"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("named"))
    store.imp(HISTORY)
    return store


def cli_ok(store: Store, *args: str) -> None:
    result = store.runner.invoke(cli, ["--db", store.db, *args])
    assert result.exit_code == 0, result.output + str(result.exception)


def pack(store: Store, name: str, *extra: str) -> str:
    out = store.tmp / name
    cli_ok(store, "report", "inspection", "--from", "2025-01", "--to", "2025-10", "--as-of",
           AS_OF, "--children", "N1,N2", "--sample", "0", "--out", str(out), *extra)  # fmt: skip
    (page,) = out.glob("*.html")
    return page.read_text("utf-8")


def section(page: str, child: str) -> str:
    """The child's Annex A part of its case, up to the end of the case."""
    start = page.index(f'<div class="named-return" data-annex-a="{child}">')
    return page[start : page.index("</article>", start)]


def cells(part: str) -> dict[str, str]:
    pairs = re.findall(r'<tr data-column="[^"]*"><th scope="row">(.*?)</th><td>(.*?)</td></tr>',
                       part)  # fmt: skip
    return {html.unescape(k): html.unescape(v) for k, v in pairs}


def annex_a(store: Store, name: str) -> Path:
    out = store.tmp / name
    cli_ok(store, "export", "annex-a", "--as-of", AS_OF, "--out", str(out))
    return out


def shown(value: object) -> str:
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


def test_each_named_childs_annex_a_row_is_the_exports(store: Store) -> None:
    page = pack(store, "plain", "--full-details")
    n1 = cells(section(page, "N1"))
    assert list(n1) == list(HEADERS)
    assert {k: v for k, v in n1.items() if v} == N1_CELLS
    sheet = openpyxl.load_workbook(annex_a(store, "list1.xlsx"))["List_1"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    exported = {r[0]: dict(zip(header, map(shown, r), strict=True)) for r in rows}
    for child in ("N1", "N2"):
        assert cells(section(page, child)) == exported[child]
    assert "No return was compared for this child" in section(page, "N2")


def test_a_changed_date_in_their_list_is_a_difference_on_that_childs_page(store: Store) -> None:
    theirs = annex_a(store, "theirs.xlsx")
    book = openpyxl.load_workbook(theirs)
    sheet = book["List_1"]
    column = [c.value for c in sheet[1]].index(LAST_REVIEWED) + 1
    (n1_row,) = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "N1"]
    sheet.cell(n1_row, column).value = datetime(2025, 1, 21)
    book.save(theirs)
    page = pack(store, "compared", "--their-list", str(theirs))
    n1 = section(page, "N1")
    lines = re.findall(r'<tr data-difference="([^"]*)" data-item="([^"]*)">(.*?)</tr>', n1, re.S)
    assert [(kind, item) for kind, item, _ in lines] == [("differs", LAST_REVIEWED)]
    tds = re.findall(r"<td[^>]*>(.*?)</td>", lines[0][2])
    assert tds[1:3] == ["21/01/2025", "20/01/2025"]
    assert "meeting_held dated 2025-01-20" in tds[3]
    assert "Their list and the log agree for this child." in section(page, "N2")
    assert "No return was compared" not in page
    reproduce = f'<span class="arg">--their-list</span> <span class="arg">{theirs}</span>'
    assert reproduce in page


def test_the_date_of_birth_stays_withheld_without_full_details(store: Store) -> None:
    n1 = section(pack(store, "withheld"), "N1")
    assert "10/05/2012" not in n1 and "data-withheld" in n1
    assert cells(n1)["Date EHC plan last reviewed"] == "20/01/2025"


def test_the_pack_reads_only_the_named_childrens_entries(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole log as a DataFrame costs seconds at authority scale; the Annex A rows need only
    # the named children's entries.
    from ehcp_audit.view.report_source import ViewReportData

    def whole_log(self: object) -> None:
        raise AssertionError("the whole entry log was built as a DataFrame")

    monkeypatch.setattr(ViewReportData, "entries", whole_log)
    page = pack(store, "narrow")
    assert "N1" in section(page, "N1")
