"""Issue 16 item 4: no report or export is written from a store whose log does not match its hash
chain. Each refuses with exit 4 and `verify`'s own message, and writes nothing; an intact store's
reports print the head hash the check computed, which is `verify`'s. The check is incremental:
the view remembers the last point verified, and only what came after it is hashed again."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ehcp_audit.bootstrap import open_view
from ehcp_audit.config import Settings
from ehcp_audit.store.check import head_hash
from tests.integrity_helpers import ALTERED, DELETED, RawStore
from tests.store_helpers import AS_OF, generated, run

Command = Callable[[Path], list[str]]


def _commands(urn: str) -> dict[str, Command]:
    """Every report and export, writing under `out` (a folder)."""
    month = ["--month", "2026-03"]
    return {
        "export compliance": lambda out: [
            "export", "compliance", "--as-of", AS_OF, "--out", str(out / "c.csv")
        ],
        "export kpis": lambda out: [
            "export", "kpis", "--period", "2026-03", "--as-of", AS_OF, "--out", str(out / "k.csv")
        ],
        "export sen2": lambda out: [
            "export", "sen2", "--year", "2026", "--out", str(out / "s.csv")
        ],
        "report monthly": lambda out: ["report", "monthly", *month, "--out", str(out)],
        "report school": lambda out: ["report", "school", urn, *month, "--out", str(out)],
        "report due-list": lambda out: [
            "report", "due-list", "--term", "spring", "--year", "2026", "--out", str(out)
        ],
        "report inspection": lambda out: [
            "report", "inspection", "--from", "2025-01", "--to", "2026-03", "--out", str(out)
        ],
    }  # fmt: skip


@pytest.fixture
def store(store_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    assert run(store_db, "import", "actions", generated(tmp_path, 12)).exit_code == 0
    return store_db


def a_urn(tmp_path: Path) -> str:
    with generated(tmp_path, 12).open(encoding="utf-8") as rows:
        return next(r["school_urn"] for r in csv.DictReader(rows) if r["school_urn"])


def last_position(store: str) -> int:
    found = re.search(r" at position (\d+)", run(store, "verify").output)
    assert found is not None
    return int(found.group(1))


def assert_refused(store: str, args: list[str], out: Path) -> None:
    said = run(store, "verify")
    assert said.exit_code == 4, said.output
    result = run(store, *args)
    assert result.exit_code == 4, (args, result.output)
    assert said.output.strip() in result.output, (said.output, result.output)
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir()), list(out.iterdir())


TAMPERINGS: dict[str, Callable[[RawStore, int], None]] = {
    "deleted": lambda raw, _: raw.delete(DELETED),
    "altered": lambda raw, _: raw.alter(ALTERED),
    "forged": lambda raw, last: raw.forge(like=last),
}


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_a_tampered_store_gives_no_report_nor_export(store: str, tmp_path: Path, kind: str) -> None:
    if store.startswith("postgresql://") and kind != "deleted":
        pytest.skip("one tampering is enough to show the PostgreSQL store is checked")
    TAMPERINGS[kind](RawStore(store), last_position(store))
    for name, args in _commands(a_urn(tmp_path)).items():
        out = tmp_path / name.replace(" ", "-")
        assert_refused(store, args(out), out)


def test_an_intact_store_reports_the_head_that_verify_computes(store: str, tmp_path: Path) -> None:
    head = re.search(r"head (\w+) at position", run(store, "verify").output)
    assert head is not None
    for name, args in _commands(a_urn(tmp_path)).items():
        out = tmp_path / name.replace(" ", "-")
        result = run(store, *args(out))
        assert result.exit_code == 0, (name, result.output)
        assert any(out.iterdir())
        for page in out.glob("*.html"):
            assert f"<code>{head.group(1)}</code>" in page.read_text("utf-8"), (name, page)


@pytest.mark.parametrize("kind", ["deleted", "forged"])
def test_tampering_after_a_check_is_caught(store: str, tmp_path: Path, kind: str) -> None:
    """After a check the view remembers its point: a row deleted before it changes the counts
    the next check compares; a row forged after it is hashed with the new entries."""
    first = tmp_path / "first"
    assert run(store, *_commands("")["export kpis"](first)).exit_code == 0
    TAMPERINGS[kind](RawStore(store), last_position(store))
    for name in ("export kpis", "report monthly"):
        out = tmp_path / name.replace(" ", "-")
        assert_refused(store, _commands("")[name](out), out)


def test_a_chain_rewritten_to_fit_a_forgery_is_caught(store: str, tmp_path: Path) -> None:
    """Plain `verify` passes once the chain is recomputed over the forgery; the hash the view
    remembers does not."""
    out = tmp_path / "out"
    args = _commands("")["export compliance"](out)
    assert run(store, *args).exit_code == 0
    (out / "c.csv").unlink()
    RawStore(store).alter(ALTERED)
    assert run(store, "verify", "--rechain").exit_code == 0
    result = run(store, *args)
    assert result.exit_code == 4, result.output
    assert "rewritten" in result.output and not any(out.iterdir())


def test_the_inspection_pack_hashes_the_whole_log_again(store: str, tmp_path: Path) -> None:
    """An entry altered in place before the remembered point escapes the quick check of other
    reports (docs/integrity.md), not the pack's."""
    assert run(store, *_commands("")["export kpis"](tmp_path / "first")).exit_code == 0
    RawStore(store).alter(ALTERED)
    out = tmp_path / "pack"
    assert_refused(store, _commands("")["report inspection"](out), out)


def test_a_past_report_is_checked_up_to_its_position(store: str, tmp_path: Path) -> None:
    app_head = _head_at(store, DELETED - 1)
    RawStore(store).forge(like=last_position(store))  # after the position reproduced
    # The month's content is beside the point (a generated log of 12 children): the chain is.
    at = ["--at-position", str(DELETED - 1), "--allow-empty"]
    out = tmp_path / "past"
    result = run(store, "report", "monthly", "--month", "2026-03", "--out", out, *at)
    assert result.exit_code == 0, result.output
    (page,) = out.glob("*.html")
    assert f"<code>{app_head}</code>" in page.read_text("utf-8")
    RawStore(store).delete(DELETED - 5)
    again = tmp_path / "again"
    assert_refused(
        store, ["report", "monthly", "--month", "2026-03", "--out", str(again), *at], again
    )


def _head_at(store: str, position: int) -> str:
    with open_view(Settings(db=store)) as view:
        found = head_hash(view.app, position)
    assert found is not None
    return found


def test_a_check_hashes_only_what_came_after_the_remembered_point(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(db=store)
    with open_view(settings) as view:
        view.catch_up()
        first = view.check_chain()
    assert first is not None and first.position == last_position(store)
    assert run(store, "import", "actions", generated(tmp_path, 14, seed=2)).exit_code in (0, 3)
    with open_view(settings) as view:
        read_after = _links_read_after(view, monkeypatch)
        view.catch_up()
        second = view.check_chain()
    assert second is not None and second.position == last_position(store) > first.position
    assert read_after and min(read_after) == first.position


def test_a_log_the_view_cannot_read_is_named_as_tampered(store: str, tmp_path: Path) -> None:
    """A plan's opening entry deleted before the view read it leaves entries of no plan: the
    catch-up fails, and the chain names why."""
    RawStore(store).delete(1)
    for name in ("export compliance", "report monthly"):
        out = tmp_path / name.replace(" ", "-")
        assert_refused(store, _commands("")[name](out), out)


def _links_read_after(view: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The positions the view's chain check reads links after (a spy on the recorder)."""
    read_after: list[int] = []
    recorder: Any = view.app.recorder
    select_links = recorder.select_links

    def spy(after: int, limit: int) -> Any:
        read_after.append(after)
        return select_links(after, limit)

    monkeypatch.setattr(recorder, "select_links", spy)
    return read_after


@pytest.mark.parametrize("build", [["project", "--rebuild"], ["project"]])
def test_after_a_rebuild_the_check_hashes_only_what_came_later(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, build: list[str]
) -> None:
    """A rebuild (or a view's first build) checks the chain as it reads the log, and remembers
    the point as the check before a report does."""
    if build == ["project", "--rebuild"]:
        assert run(store, "project").exit_code == 0
    built = run(store, *build)
    assert built.exit_code == 0, built.output
    rebuilt_at = last_position(store)
    assert run(store, "import", "actions", generated(tmp_path, 14, seed=2)).exit_code in (0, 3)
    with open_view(Settings(db=store)) as view:
        read_after = _links_read_after(view, monkeypatch)
        view.catch_up()
        checked = view.check_chain()
    assert checked is not None and checked.position == last_position(store) > rebuilt_at
    assert read_after and min(read_after) == rebuilt_at


@pytest.mark.parametrize("kind", ["altered", "deleted"])
def test_a_store_tampered_before_a_rebuild_is_still_refused(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The rebuild says what `verify` says (exit 4) and remembers no point: the next export
    hashes the whole log and refuses. An entry altered in place escapes the quick check from a
    remembered point, so a rebuild that remembered one without checking would let it through."""
    assert run(store, "project").exit_code == 0
    TAMPERINGS[kind](RawStore(store), last_position(store))
    said = run(store, "verify")
    rebuilt = run(store, "project", "--rebuild")
    assert rebuilt.exit_code == 4, rebuilt.output
    assert said.output.strip() in rebuilt.output and "Traceback" not in rebuilt.output
    out = tmp_path / "out"
    assert_refused(store, _commands("")["export compliance"](out), out)

    if kind == "altered":  # broken: a rebuild that does not compare entries with their links
        with monkeypatch.context() as patched:
            patched.setattr("ehcp_audit.store.check._compare", lambda *_: None)
            assert run(store, "project", "--rebuild").exit_code == 0
        broken = run(store, *_commands("")["export compliance"](out))
        assert broken.exit_code == 0, broken.output
