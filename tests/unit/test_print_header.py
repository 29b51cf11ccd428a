"""The printed running header: a report's title written into its CSS as a string that no text
from the data can end early."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from ehcp_audit.reports.render import css_string
from ehcp_audit.reports.school import build_school
from tests.report_fakes import HOSTILE_SCHOOL_NAME, HOSTILE_URN, FakeReportData

TEXTS = [
    "EHCP annual reviews, March 2025: St Mary's C of E Academy",
    HOSTILE_SCHOOL_NAME,
    'a "quote", a \\ backslash, </style><script>x</script>, a \n newline',
    "Ysgol Gymraeg Brynhyfryd \u2013 \u00e9cole \U0001f600",
    "",
]


def css_unescaped(text: str) -> str:
    """What a browser reads from a quoted CSS string made only of letters, digits and
    six-digit escapes."""
    assert text[0] == text[-1] == '"'
    body = text[1:-1]
    assert re.fullmatch(r"(?:[A-Za-z0-9]|\\[0-9a-f]{6})*", body), body
    return re.sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m.group(1), 16)), body)


@pytest.mark.parametrize("text", TEXTS)
def test_css_string_reads_back_as_the_text(text: str) -> None:
    assert css_unescaped(str(css_string(text))) == text


def test_a_hostile_school_name_heads_the_printed_pages_as_text(tmp_path: Path) -> None:
    data = FakeReportData(hostile=True)
    page = build_school(data, HOSTILE_URN, "2025-03", date(2025, 3, 31), tmp_path).read_text()
    assert page.count("<style>") == page.count("</style>") == 1
    rule = re.search(r"@page \{ @top-left \{ content: (\"[^\"]*\"); \} \}", page)
    assert rule, "the running header rule is missing"
    assert css_unescaped(rule.group(1)).endswith(HOSTILE_SCHOOL_NAME)
