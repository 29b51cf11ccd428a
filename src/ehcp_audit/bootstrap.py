"""The composition root: the one place that wires the store, the view and the reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ehcp_audit.application import EhcpAudit
from ehcp_audit.config import Settings
from ehcp_audit.errors import StoreError

if TYPE_CHECKING:
    from ehcp_audit.projection.view import ComplianceView
    from ehcp_audit.reports.data import ReportData


def open_app(settings: Settings) -> EhcpAudit:
    from ehcp_audit.keys import check_key
    from ehcp_audit.store_env import eventsourcing_env

    try:
        app = EhcpAudit(env=eventsourcing_env(settings.db, settings.cipher_key))
    except Exception as exc:  # the library raises many kinds; the user needs one message
        raise StoreError(f"cannot open the event store {settings.display_db}: {exc}") from exc
    check_key(app)
    return app


def open_view(settings: Settings, app: EhcpAudit | None = None) -> ComplianceView:
    from ehcp_audit.projection.view import ComplianceView

    return ComplianceView(settings.analytics_path, app or open_app(settings))


def report_data(settings: Settings, at_position: int | None = None) -> ReportData:
    from ehcp_audit.projection.report_source import ViewReportData

    view = open_view(settings)
    view.catch_up()
    return ViewReportData(view, at_position=at_position)
