"""docs/rulebook.md: every code a user meets is explained there, and the reports and --help
point at it (never at the developers' contract, nor at the "seed" page by that name)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest

from ehcp_audit.domain.vocabulary import (
    ACTIONS,
    COLUMNS,
    DECISIONS,
    MEASURES,
    REVIEW_TYPES,
    ROLES,
    TOPICS,
)
from ehcp_audit.reports import method
from ehcp_audit.reports.inspection import build_inspection
from ehcp_audit.reports.monthly import build_monthly
from ehcp_audit.reports.rulebook import RULEBOOK_URL, RULEBOOK_URL_VARIABLE, rulebook_url
from ehcp_audit.rules.compliance import PHASE_TRANSFER
from ehcp_audit.rules.measures import CYCLE_MEASURES
from tests.report_fakes import FakeReportData

DOCS = Path(__file__).resolve().parents[2] / "docs"
RULEBOOK = DOCS / "rulebook.md"
TEMPLATES = Path(method.__file__).parent / "templates"
AS_OF = date(2025, 3, 31)
# Words a user must not be sent to: the contract's file and the seed page's internal name.
FORBIDDEN = ("rules.md", "seed")


def anchors(markdown: str) -> set[str]:
    """Explicit `<a id>` anchors and the slugs GitHub gives headings."""
    found = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.M):
        text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
        found.add(text.replace(" ", "-"))
    return found


def exported_measures() -> list[str]:
    return [*CYCLE_MEASURES, PHASE_TRANSFER]


class Links(HTMLParser):
    """The href of every link, and of the links inside the method table's row headers."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.in_row_header = False
        self.row_header_hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "th" and found.get("scope") == "row":
            self.in_row_header = True
        if tag == "a" and "href" in found:
            self.hrefs.append(found["href"])
            if self.in_row_header:
                self.row_header_hrefs.append(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self.in_row_header = False


def links(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def rulebook_anchors_linked(hrefs: list[str]) -> list[str]:
    return [h.partition("#")[2] for h in hrefs if h.partition("#")[0] == RULEBOOK_URL]


@pytest.fixture(scope="module")
def text() -> str:
    return RULEBOOK.read_text("utf-8")


@pytest.fixture(scope="module")
def data() -> FakeReportData:
    return FakeReportData()


def test_every_measure_the_export_can_produce_has_an_anchor(text: str) -> None:
    assert set(exported_measures()) == set(MEASURES)
    missing = [m for m in exported_measures() if m not in anchors(text)]
    assert not missing, f"no anchor in docs/rulebook.md for {missing}"


def test_every_code_of_the_vocabulary_is_documented(text: str) -> None:
    codes = [*ACTIONS, *ROLES, *TOPICS, *DECISIONS, *REVIEW_TYPES, *COLUMNS]
    missing = [c for c in codes if f"`{c}`" not in text]
    assert not missing, f"not documented in docs/rulebook.md: {missing}"


def test_the_rulebooks_own_links_land_on_anchors(text: str) -> None:
    own = anchors(text)
    broken = [a for a in re.findall(r"\]\(#([^)]+)\)", text) if a not in own]
    assert not broken, broken
    for doc, anchor in re.findall(r"\]\((\w+\.md)#([^)]+)\)", text):
        assert anchor in anchors((DOCS / doc).read_text("utf-8")), (doc, anchor)


def test_links_into_the_rulebook_land_on_anchors(text: str) -> None:
    own = anchors(text)
    for doc in [*DOCS.glob("*.md"), DOCS.parent / "README.md"]:
        for anchor in re.findall(r"rulebook\.md#([^)\s`]+)", doc.read_text("utf-8")):
            assert anchor in own, (doc.name, anchor)


def test_the_method_links_every_measure_to_its_anchor(
    data: FakeReportData, tmp_path: Path, text: str
) -> None:
    pack = build_inspection(data, "2024-04", "2025-03", AS_OF, 2, 7, (), tmp_path)
    linked = rulebook_anchors_linked(links(pack).row_header_hrefs)
    in_method = [r.measure for r in method.RULES]
    starts = [i for i in range(len(linked)) if linked[i : i + len(in_method)] == in_method]
    assert starts, "the method table's rows do not link their measures in order"
    assert set(in_method) == set(exported_measures())
    assert set(linked) <= anchors(text)


def test_how_to_read_links_to_sections_that_exist(
    data: FakeReportData, tmp_path: Path, text: str
) -> None:
    monthly = build_monthly(data, "2025-03", AS_OF, tmp_path)
    linked = rulebook_anchors_linked(links(monthly).hrefs)
    assert "" in linked and len(linked) > 1
    assert set(linked) - {""} <= anchors(text)


def test_the_rulebook_address_can_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rulebook_url("views_2_weeks") == f"{RULEBOOK_URL}#views_2_weeks"
    monkeypatch.setenv(RULEBOOK_URL_VARIABLE, "https://intranet.example/send/rulebook.html")
    assert rulebook_url("views_2_weeks") == (
        "https://intranet.example/send/rulebook.html#views_2_weeks"
    )


def help_texts(command: click.Command, path: str) -> Iterator[tuple[str, str]]:
    yield path, command.help or ""
    yield path, command.epilog or ""
    for param in command.params:
        if param.name != "seed":  # a random sample's seed, not the seed page
            yield f"{path} --{param.name}", getattr(param, "help", None) or ""
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from help_texts(sub, f"{path} {name}")


def test_no_help_string_cites_the_contract_or_the_seed_page() -> None:
    from ehcp_audit.cli.main import _register, cli

    _register()
    texts = list(help_texts(cli, "ehcp-audit"))
    assert any("docs/rulebook.md" in t for _, t in texts)
    bad = [(where, t) for where, t in texts for word in FORBIDDEN if word in t.lower()]
    assert not bad, bad


def test_no_report_text_cites_the_contract_or_the_seed_page() -> None:
    method_texts = [
        *(v for r in method.RULES for v in dataclasses.astuple(r)),
        method.HEADLINE_RATE,
        *(v for pair in method.STATUS_RULES for v in pair),
        *method.SOURCES,
    ]
    templates = [p.read_text("utf-8") for p in sorted(TEMPLATES.glob("*.html"))]
    bad = [t for t in (*method_texts, *templates) for w in FORBIDDEN if w in t.lower()]
    assert not bad, bad


def test_the_monthly_figures_link_each_measure_to_its_anchor(
    data: FakeReportData, tmp_path: Path, text: str
) -> None:
    monthly = build_monthly(data, "2025-03", AS_OF, tmp_path)
    linked = rulebook_anchors_linked(links(monthly).row_header_hrefs)
    shown = set(re.findall(r'<code class="hint">([a-z0-9_]+)</code>', monthly.read_text("utf-8")))
    assert shown & set(MEASURES), "the monthly report shows no measure codes"
    assert shown & set(MEASURES) <= set(linked)
    assert set(linked) <= anchors(text)
