"""The accounts' tables in the store's own database, through the store's connection pool (SQLite
or PostgreSQL); the SQL is in `accounts/sql/`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Protocol


class Cursor(Protocol):
    def execute(self, sql: Any, params: Any = ..., /) -> Any: ...
    def fetchall(self) -> Any: ...


class Datastore(Protocol):
    """What eventsourcing's SQLite and PostgreSQL datastores both offer."""

    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]: ...


@cache
def sql_text(name: str) -> str:
    return resources.files("ehcp_audit.accounts").joinpath("sql", f"{name}.sql").read_text("utf-8")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


class AccountsDb:
    def __init__(self, datastore: Datastore, postgres: bool, close: Callable[[], None]) -> None:
        self._datastore = datastore
        self._postgres = postgres
        self.close = close
        dialect = "postgres" if postgres else "sqlite"
        with self._transaction() as curs:
            for statement in self._sql(f"{dialect}_tables"):
                curs.execute(statement)
            has_column, *add_column = self._sql(f"{dialect}_must_change")
            curs.execute(has_column)
            if dict(curs.fetchall()[0])["n"] == 0:
                for statement in add_column:
                    curs.execute(statement)

    def _sql(self, name: str) -> list[str]:
        text = "\n".join(
            line for line in sql_text(name).splitlines() if not line.lstrip().startswith("--")
        )
        if self._postgres:
            text = text.replace("?", "%s")
        return [s.strip() for s in text.split(";") if s.strip()]

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        with self._datastore.transaction(commit=True) as curs:
            yield curs

    def run(self, name: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run the one statement in `<name>.sql` in its own transaction; its rows as dicts."""
        (statement,) = self._sql(name)
        with self._transaction() as curs:
            curs.execute(statement, tuple(params))
            if not statement.lstrip().upper().startswith("SELECT"):
                return []
            return [dict(row) for row in curs.fetchall()]
