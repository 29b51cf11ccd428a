"""/reports: make the monthly, setting and inspection reports and the SEN2 return with the CLI's
builders, from the server's view (checked as a report command checks it), and download them.
The local authority's users only: every file names the children."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ehcp_audit import clock
from ehcp_audit.errors import EhcpAuditError
from ehcp_audit.view.periods import Month, default_as_of
from ehcp_audit.web.guard import form, not_found, require, signed_in, web
from ehcp_audit.web.render import page
from ehcp_audit.web.roles import Access

KINDS = ("monthly", "school", "inspection", "sen2")
ANYWAY = "tick “Make it even if nothing is recorded for that period” to make it all the same"


def _folder(request: Request) -> Path:
    folder = web(request).work_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _files(request: Request) -> list[str]:
    return sorted(p.name for p in _folder(request).iterdir() if p.is_file())


def _month(posted: FormData, field: str) -> Month:
    try:
        return Month.parse(str(posted.get(field, "")))
    except ValueError as exc:
        raise EhcpAuditError(f"{field}: {exc}") from None


def _make(request: Request, posted: FormData) -> list[Path]:
    """The files of the report asked for, made as the matching `report` command makes them."""
    from ehcp_audit.reports.coverage import Period, recorded_days_of, refuse_uncovered
    from ehcp_audit.view.report_source import ViewReportData

    kind = str(posted.get("kind", ""))
    if kind not in KINDS:
        raise EhcpAuditError("choose a report")
    out = _folder(request)
    today = clock.today()
    with web(request).live.reading() as reading:
        view = reading.view
        if kind == "sen2":
            from ehcp_audit.exports.sen2 import extract, write_sen2
            from ehcp_audit.rules.sen2.census import census_date

            year = str(posted.get("year", ""))
            if not year.isdigit() or not 2000 <= int(year) <= today.year + 1:
                raise EhcpAuditError("year: give the census year, e.g. 2026")
            found = extract(view, census_date(int(year)))
            return write_sen2(found, out / f"sen2-{year}.xlsx", "xlsx")
        first = _month(posted, "month")
        last = _month(posted, "to") if kind == "inspection" else first
        as_of = default_as_of(last, today)
        data = ViewReportData(view, checked=view.check_chain(full=kind == "inspection"))
        if not posted.get("anyway"):  # what `--allow-empty` does
            period = Period(first.label, first.start, last.end)
            refuse_uncovered(recorded_days_of(data), period, as_of, today, ANYWAY)
        if kind == "monthly":
            from ehcp_audit.reports.monthly import build_monthly

            return [build_monthly(data, first, as_of, out)]
        if kind == "school":
            from ehcp_audit.reports.school import build_school, is_known_urn

            urn = str(posted.get("urn", "")).strip()
            if not is_known_urn(data, urn):
                raise EhcpAuditError(f"urn: no setting {urn!r} is recorded")
            return [build_school(data, urn, first, as_of, out)]
        from ehcp_audit.reports.inspection import build_inspection

        return [build_inspection(data, first, last, min(last.end, today), out_dir=out)]


def _defaults() -> dict[str, str]:
    month, year = str(Month.of(clock.today())), str(clock.today().year)
    return {"kind": "monthly", "month": month, "to": month, "urn": "", "year": year}


def _page(
    request: Request, access: Access, values: dict[str, str], status: int = 200, **shown: object
) -> Response:
    shown = {"made": [], "error": "", **shown}
    return page(
        request, "reports.html", status, access=access, files=_files(request), form=values, **shown
    )


async def reports(request: Request) -> Response:
    access = await signed_in(request)
    require(access.runs_imports_and_reports)
    return _page(request, access, _defaults())


async def make(request: Request) -> Response:
    access = await signed_in(request)
    posted = await form(request)
    require(access.runs_imports_and_reports)
    values = {key: str(posted.get(key, default))[:20] for key, default in _defaults().items()}
    try:
        made = [p.name for p in await run_in_threadpool(_make, request, posted)]
    except EhcpAuditError as exc:
        message = str(exc)
        error = message[:1].upper() + message[1:]
        return _page(request, access, values, 400, error=error, refused=ANYWAY in message)
    return _page(request, access, values, made=made)


async def download(request: Request) -> Response:
    access = await signed_in(request)
    require(access.runs_imports_and_reports)
    name = request.path_params["name"]
    if name not in _files(request):
        raise not_found()
    return FileResponse(_folder(request) / name, filename=name)


ROUTES = [
    Route("/reports", reports, methods=["GET"]),
    Route("/reports", make, methods=["POST"]),
    Route("/reports/files/{name:str}", download, methods=["GET"]),
]
