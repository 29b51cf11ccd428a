"""The dates of an authority's return in the forms its systems write them: COLLECT's Blade
(`2022-Sep-28 00:00:00`), a list's DD/MM/YYYY, ISO; and values compared as a person would."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ehcp_audit.exports.reconcile.cells import read_date, read_text
from ehcp_audit.rules.reconcile.compare import same


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-Sep-28 00:00:00", date(2022, 9, 28)),
        ("2022-sep-28", date(2022, 9, 28)),
        ("28/09/2022", date(2022, 9, 28)),
        ("2022-09-28", date(2022, 9, 28)),
        (datetime(2022, 9, 28, 0, 0), date(2022, 9, 28)),
        ("  ", None),
        (None, None),
    ],
)
def test_dates_in_each_form(raw: object, expected: date | None) -> None:
    assert read_date(raw) == expected


@pytest.mark.parametrize("raw", ["2022-Sept-28", "31/02/2022", "28.09.2022", 44832])
def test_what_is_not_a_date_is_named(raw: object) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        read_date(raw)


def test_a_urn_read_as_a_number_stays_whole() -> None:
    assert read_text(123456.0) == "123456"
    assert read_text(" 123456 ") == "123456"


def test_codes_compare_ignoring_case_and_blank_is_none() -> None:
    assert same("a", "A")
    assert same("", None)
    assert not same("A", "M")
    assert not same(date(2022, 1, 1), None)
