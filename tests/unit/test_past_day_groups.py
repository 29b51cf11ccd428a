"""A past as-of answer judges again only the groups of rows (rules.facts) whose facts as of
the day differ from those their stored base rows were judged from; the others are read from
base_rows. The answer equals the rules' own (rules.compliance.evaluate_child), as of a past
day, as known on a day, at an earlier log position, and with a forked process judging part."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.rules import compliance
from ehcp_audit.rules.compliance import evaluate_child
from ehcp_audit.rules.cycles import build_history
from ehcp_audit.rules.effective import apply_voids, as_of
from ehcp_audit.rules.facts import CycleFacts, groups_of
from ehcp_audit.view import compliance_view
from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.row_tuples import ROW_COLUMNS, entries_by_child, facts_digest, row_tuple
from tests.store_helpers import generated, read_rows, write_rows

DAYS = (date(2024, 3, 31), date(2025, 9, 30), date(2026, 4, 30))
KNOWN_ON = date(2025, 6, 30)


def _digests(facts: list[tuple[int, Any]]) -> dict[int, str]:
    return {group: facts_digest(f) for group, f in facts if isinstance(f, CycleFacts)}


def _expected(
    view: ComplianceView, day: date, known_on: date | None, at: int | None
) -> tuple[list[dict[str, Any]], int]:
    """The rules' rows for every child, and how many of the cycles judged as of `day` have
    facts other than those of the child's latest cycles (what must be judged again)."""
    rows: list[dict[str, Any]] = []
    changed = 0
    latest = dict(entries_by_child(view.entry_rows()))
    for child_id, entries in entries_by_child(view.entry_rows(at)):
        judged = evaluate_child(entries, day, known_on)
        rows += [dict(zip(ROW_COLUMNS, row_tuple(r), strict=True)) for r in judged]
        effective = apply_voids(latest[child_id])
        settled = not effective or effective[-1].occurred_on <= day
        plan = build_history(as_of(apply_voids(entries, known_on), day))
        if plan is None or (settled and known_on is None and at is None):
            continue
        now = build_history(effective)
        stored = _digests(groups_of(now)) if now is not None else {}
        changed += sum(stored.get(g) != d for g, d in _digests(groups_of(plan)).items())
    return rows, changed


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A generated authority, with voids dated after a day that remove entries dated before
    it (as of that day the entry counts; as known later it does not)."""
    directory = tmp_path_factory.mktemp("past")
    header, rows = read_rows(generated(directory, 40, seed=5))
    targets = [
        r for r in rows if r["action"] == "advice_requested" and r["occurred_on"] < "2025-09"
    ]
    voids = [
        {
            **dict.fromkeys(header, ""),
            "child_id": r["child_id"],
            "action": "void",
            "occurred_on": "2025-10-15",
            "recorded_by": "cw001",
            "reason": "recorded_in_error",
            "void_action": r["action"],
            "void_occurred_on": r["occurred_on"],
        }
        for r in targets[::7]
    ]
    settings = Settings(db=str(directory / "store.sqlite"))
    result = import_actions(
        open_app(settings), write_rows(directory / "log.csv", header, rows + voids)
    )
    assert voids and result.rejected == 0, [r.error for r in result.rejections]
    return settings


@pytest.mark.parametrize(
    ("day", "known_on", "earlier"),
    [
        (DAYS[0], None, False),
        (DAYS[1], None, False),
        (DAYS[2], None, False),
        (DAYS[2], KNOWN_ON, False),
        (DAYS[1], None, True),
    ],
)
def test_only_the_groups_whose_facts_differ_are_judged_again(
    store: Settings,
    monkeypatch: pytest.MonkeyPatch,
    day: date,
    known_on: date | None,
    earlier: bool,
) -> None:
    judged: list[int] = []
    cycle_rows = compliance.cycle_rows

    def counting(child_id: str, facts: CycleFacts) -> list[compliance.BaseRow]:
        judged.append(facts.cycle.number)
        return cycle_rows(child_id, facts)

    monkeypatch.setattr(compliance_view, "KEEP_FROM_ROWS", 10**12)
    with open_view(store) as view:
        view.catch_up()
        at = view.position() * 2 // 3 if earlier else None
        expected, changed = _expected(view, day, known_on, at)
        monkeypatch.setattr(compliance, "cycle_rows", counting)
        answer = view.compliance_table(day, known_on, at).to_pylist()
        monkeypatch.setattr(compliance, "cycle_rows", cycle_rows)
        monkeypatch.setattr(compliance_view, "FORK_FROM_CHILDREN", 2)
        forked = view.compliance_table(day, known_on, at).to_pylist()
    # A report's table comes unsorted (compliance_view._fetch_table).
    assert sorted(answer, key=_rules_order) == sorted(expected, key=_rules_order)
    assert sorted(forked, key=_rules_order) == sorted(expected, key=_rules_order)
    assert 0 < len(judged) == changed


def _rules_order(row: dict[str, Any]) -> tuple[object, ...]:
    deadline = row["deadline"]
    blank_first = (deadline is not None, deadline or date.min)
    return (row["child_id"], row["cycle"], row["measure"], *blank_first)
