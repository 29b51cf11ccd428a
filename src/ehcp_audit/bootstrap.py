"""The composition root: the one place that wires the store, the view and the reports.

`Bootstrap` builds each part with a factory it is given (cosmicpython's bootstrap): the defaults
are the real store, view and report data; a test passes fakes instead of patching, e.g.
`Bootstrap(settings, report_data_factory=fake)`, or `obj=partial(Bootstrap, ...)` to the CLI.
The module's functions are the defaults' shorthands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ehcp_audit.application import EhcpAudit
from ehcp_audit.config import Settings
from ehcp_audit.errors import RefusedError, StoreError

if TYPE_CHECKING:
    from ehcp_audit.accounts import Accounts
    from ehcp_audit.accounts.passwords import Passwords
    from ehcp_audit.reports.data import ReportData
    from ehcp_audit.store.check import Verified
    from ehcp_audit.view.compliance_view import ComplianceView


def open_store(settings: Settings) -> EhcpAudit:
    from ehcp_audit.store.env import eventsourcing_env
    from ehcp_audit.store.keys import check_key

    if settings.is_postgres:
        _check_postgres_installed()
    try:
        app = EhcpAudit(env=eventsourcing_env(settings.db, settings.cipher_key))
    except Exception as exc:  # the library raises many kinds; the user needs one message
        reason = " ".join(str(exc).split())
        raise StoreError(f"cannot open the event store {settings.display_db}: {reason}") from exc
    check_key(app)
    return app


def _check_postgres_installed() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError(
            "a PostgreSQL store needs the postgres extra: pip install 'ehcp-audit[postgres]'"
        ) from None


def require_store(settings: Settings) -> None:
    """Commands that only read refuse a SQLite path with no store, rather than create one."""
    if settings.is_postgres or settings.db == ":memory:" or settings.db.startswith("file:"):
        return
    if not Path(settings.db).is_file():
        raise RefusedError(f"no store at {settings.db}; `ehcp-audit import` creates one")


def open_accounts(settings: Settings, passwords: Passwords | None = None) -> Accounts:
    """The users and sign-ins, in the store's own database (the store is created if absent).
    `passwords`: the hasher (a test passes cheap Argon2 parameters)."""
    from ehcp_audit.accounts import Accounts
    from ehcp_audit.accounts.database import AccountsDb

    app = open_store(settings)
    try:
        datastore = app.recorder.datastore  # type: ignore[attr-defined]
        return Accounts(AccountsDb(datastore, settings.is_postgres, app.close), passwords)
    except BaseException:
        app.close()
        raise


def compliance_view(settings: Settings, app: EhcpAudit) -> ComplianceView:
    from ehcp_audit.view.compliance_view import ComplianceView

    return ComplianceView(settings.analytics_path, app, pinned_days())


def pinned_days() -> tuple[date, ...]:
    """The days the view keeps answers for from the start: 31 December of each year whose
    England figure the reports show on DfE's definition (reports/england.py)."""
    from ehcp_audit.reports.benchmarks import national_benchmarks
    from ehcp_audit.view.dfe_measures import year_end

    years = {int(b.period) for b in national_benchmarks().values() if b.dfe_variable}
    return tuple(year_end(y) for y in sorted(years))


def view_report_data(boot: Bootstrap, at_position: int | None, full_check: bool) -> ReportData:
    from ehcp_audit.view.report_source import ViewReportData

    view, checked = boot.checked_view(at_position, full_check)
    return ViewReportData(view, at_position=at_position, checked=checked)


@dataclass(frozen=True)
class Bootstrap:
    settings: Settings
    app_factory: Callable[[Settings], EhcpAudit] = open_store
    view_factory: Callable[[Settings, EhcpAudit], ComplianceView] = compliance_view
    report_data_factory: Callable[[Bootstrap, int | None, bool], ReportData] = view_report_data
    accounts_factory: Callable[[Settings], Accounts] = open_accounts

    def open_app(self) -> EhcpAudit:
        return self.app_factory(self.settings)

    def open_view(self, app: EhcpAudit | None = None) -> ComplianceView:
        return self.view_factory(self.settings, app or self.open_app())

    def require_store(self) -> None:
        require_store(self.settings)

    def open_accounts(self) -> Accounts:
        return self.accounts_factory(self.settings)

    def checked_view(
        self, at_position: int | None = None, full: bool = False
    ) -> tuple[ComplianceView, Verified | None]:
        """The view caught up with the log, and the chain verified up to the position read from
        it (raises TamperedStoreError if the log does not match its chain: nothing may be
        written)."""
        self.require_store()
        view = self.open_view()
        try:
            _catch_up_checked(view)
            return view, view.check_chain(at_position, full)
        except BaseException:
            view.close()
            raise

    def report_data(self, at_position: int | None = None, full_check: bool = False) -> ReportData:
        """`full_check`: hash the whole log up to the position again (the inspection pack)."""
        return self.report_data_factory(self, at_position, full_check)


def _catch_up_checked(view: ComplianceView) -> None:
    """Catch up; a log that cannot be projected (an entry of no plan, bytes that do not
    decode) is first checked against its chain, so that tampering is named as such."""
    from ehcp_audit.store.guard import check_up_to, keeps_chain

    try:
        view.catch_up()
    except Exception:
        if keeps_chain(view.app):
            check_up_to(view.app, view.app.log_position(), None)
        raise


def open_app(settings: Settings) -> EhcpAudit:
    return Bootstrap(settings).open_app()


def open_view(settings: Settings, app: EhcpAudit | None = None) -> ComplianceView:
    return Bootstrap(settings).open_view(app)


def checked_view(
    settings: Settings, at_position: int | None = None, full: bool = False
) -> tuple[ComplianceView, Verified | None]:
    return Bootstrap(settings).checked_view(at_position, full)


def report_data(
    settings: Settings, at_position: int | None = None, full_check: bool = False
) -> ReportData:
    return Bootstrap(settings).report_data(at_position, full_check)
