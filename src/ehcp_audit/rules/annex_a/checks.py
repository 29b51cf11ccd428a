"""The open validation rules for List 1, with Data to Insight's rule codes
(annex-a-sen-validator; docs/formats.md lists them). Ages and "in the future" are judged on the
list's as-of day, not the day the export is run, so a list made again for a past day is judged
the same way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from ehcp_audit.rules.annex_a.list1 import (
    DATE_OF_BIRTH,
    DISABILITY,
    ETHNICITY,
    GENDER,
    INITIAL_ISSUED,
    LAST_REVIEWED,
    MAIN_URN,
    PRIMARY_NEED,
    SUBSIDIARY_PHASE,
    ULN,
    UNIQUE_ID,
    UPDATED_ISSUED,
    UPN,
    Cell,
    age_on,
)

ERROR: Final = "error"
QUERY: Final = "query"
CHECK_COLUMNS: Final = ("Rule", "Severity", "Unique ID", "Columns", "Found", "Message")

Cells = Mapping[str, Cell]
Test = Callable[[Cells, date], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    message: str
    columns: tuple[str, ...]
    test: Test


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    child_id: str
    columns: tuple[str, ...]
    found: str
    message: str

    def row(self) -> tuple[str, ...]:
        return (
            self.code,
            self.severity,
            self.child_id,
            "; ".join(self.columns),
            self.found,
            self.message,
        )


def _blank(cells: Cells, column: str) -> bool:
    value = cells.get(column)
    return value is None or (isinstance(value, str) and not value.strip())


def _day(cells: Cells, column: str) -> date | None:
    value = cells.get(column)
    return value if isinstance(value, date) else None


def _missing(column: str) -> Test:
    return lambda cells, _: _blank(cells, column)


def _after_day(column: str) -> Test:
    def test(cells: Cells, day: date) -> bool:
        value = _day(cells, column)
        return value is not None and value > day

    return test


def _later(first: str, second: str) -> Test:
    def test(cells: Cells, _: date) -> bool:
        one, other = _day(cells, first), _day(cells, second)
        return one is not None and other is not None and one > other

    return test


def _aged(low: int, high: int | None, also: Callable[[Cells], bool]) -> Test:
    """Age on the day in [low, high) (no upper bound when None), and `also`."""

    def test(cells: Cells, day: date) -> bool:
        born = _day(cells, DATE_OF_BIRTH)
        if born is None or born > day:
            return False
        age = age_on(born, day)
        return age >= low and (high is None or age < high) and also(cells)

    return test


def _always(_: Cells) -> bool:
    return True


RULES: Final = (
    Rule("101a", ERROR, "Date of birth is missing", (DATE_OF_BIRTH,), _missing(DATE_OF_BIRTH)),
    Rule("101b", ERROR, "Gender is missing", (GENDER,), _missing(GENDER)),
    Rule("101c", ERROR, "Ethnicity is missing", (ETHNICITY,), _missing(ETHNICITY)),
    Rule("101d", ERROR, "SEN primary need is missing", (PRIMARY_NEED,), _missing(PRIMARY_NEED)),
    Rule("102a", QUERY, "Aged 25 on the list's day", (DATE_OF_BIRTH,), _aged(25, 26, _always)),
    Rule("102b", ERROR, "Aged 26 or over on the list's day", (DATE_OF_BIRTH,),
         _aged(26, None, _always)),
    Rule("103", ERROR, "Disability status is missing", (DISABILITY,), _missing(DISABILITY)),
    Rule("105a", QUERY, "Date of birth is after the list's day", (DATE_OF_BIRTH,),
         _after_day(DATE_OF_BIRTH)),
    Rule("105b", QUERY, "Initial plan date is after the list's day", (INITIAL_ISSUED,),
         _after_day(INITIAL_ISSUED)),
    Rule("105c", QUERY, "Updated plan date is after the list's day", (UPDATED_ISSUED,),
         _after_day(UPDATED_ISSUED)),
    Rule("105d", QUERY, "Last review date is after the list's day", (LAST_REVIEWED,),
         _after_day(LAST_REVIEWED)),
    Rule("106a", ERROR, "Initial plan date is after the updated plan date",
         (INITIAL_ISSUED, UPDATED_ISSUED), _later(INITIAL_ISSUED, UPDATED_ISSUED)),
    Rule("106b", ERROR, "Initial plan date is after the last review date",
         (INITIAL_ISSUED, LAST_REVIEWED), _later(INITIAL_ISSUED, LAST_REVIEWED)),
    Rule("107", ERROR, "Aged 6 or over with neither a UPN nor a ULN",
         (DATE_OF_BIRTH, UPN, ULN),
         _aged(6, None, lambda c: _blank(c, UPN) and _blank(c, ULN))),
    Rule("108a", ERROR, "School aged (5 to 15) with neither a main nor a subsidiary establishment",
         (DATE_OF_BIRTH, MAIN_URN, SUBSIDIARY_PHASE),
         _aged(5, 16, lambda c: _blank(c, MAIN_URN) and _blank(c, SUBSIDIARY_PHASE))),
    Rule("108b", ERROR, "School aged (5 to 15) with a subsidiary establishment but no main one",
         (DATE_OF_BIRTH, MAIN_URN, SUBSIDIARY_PHASE),
         _aged(5, 16, lambda c: _blank(c, MAIN_URN) and not _blank(c, SUBSIDIARY_PHASE)),
         ),
)
DUPLICATE_UPN: Final = Rule(
    "109",
    ERROR,
    "UPN shared with another child on the list (send only the most recent plan)",
    (UPN,),
    lambda cells, day: False,  # judged across the list: duplicate_upns
)
ALL_RULES: Final = (*RULES, DUPLICATE_UPN)


def shown(value: Cell) -> str:
    if value is None or value == "":
        return "blank"
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def finding(rule: Rule, cells: Cells) -> Finding:
    found = "; ".join(f"{column}: {shown(cells.get(column))}" for column in rule.columns)
    return Finding(
        rule.code, rule.severity, str(cells.get(UNIQUE_ID) or ""), rule.columns, found,
        rule.message,
    )  # fmt: skip


def duplicate_upns(rows: Iterable[Cells]) -> list[Finding]:
    """Each row whose UPN (spaces and case ignored) another row of the list also has."""
    rows = list(rows)
    keys = [_upn_key(cells) for cells in rows]
    counts = Counter(key for key in keys if key)
    return [finding(DUPLICATE_UPN, c) for c, k in zip(rows, keys, strict=True) if counts[k] > 1]


def _upn_key(cells: Cells) -> str:
    return "" if _blank(cells, UPN) else "".join(str(cells[UPN]).split()).upper()


def validate(rows: Iterable[Cells], day: date) -> list[Finding]:
    """Every finding, rule by rule (in code order), each rule's rows in list order."""
    rows = list(rows)
    findings = [finding(rule, cells) for rule in RULES for cells in rows if rule.test(cells, day)]
    return findings + duplicate_upns(rows)
