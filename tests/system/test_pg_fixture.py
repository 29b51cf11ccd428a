"""The PostgreSQL fixtures give a working server and an empty database per test."""

from __future__ import annotations

import pytest

psycopg = pytest.importorskip("psycopg")


def test_session_database_answers(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_each_test_gets_its_own_empty_database(postgres_url: str, fresh_postgres_url: str) -> None:
    assert fresh_postgres_url != postgres_url
    with psycopg.connect(fresh_postgres_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE leftover (x int)")


def test_a_table_made_by_another_test_is_not_seen(fresh_postgres_url: str) -> None:
    with psycopg.connect(fresh_postgres_url) as conn:
        found = conn.execute("SELECT to_regclass('public.leftover')").fetchone()
        assert found == (None,)
