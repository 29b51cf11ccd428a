"""/imports: upload an action log (or a tracker with its mapping), see the dry run, confirm; the
rejected rows downloadable. The local authority's users only."""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ehcp_audit.errors import EhcpAuditError
from ehcp_audit.web.guard import form, not_found, require, signed_in, web
from ehcp_audit.web.render import page

MAX_BYTES = 200 * 2**20
SHOWN_REJECTIONS = 20
UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Summary:
    upload: str
    kind: str
    text: str
    rejections: tuple[str, ...]
    more: int
    has_rejects: bool
    confirmed: bool


def _folder(request: Request, upload: str) -> Path:
    if not UPLOAD_ID.fullmatch(upload):
        raise not_found()
    folder = web(request).work_dir / "uploads" / upload
    if not folder.is_dir():
        raise not_found()
    return folder


async def _save(item: object, folder: Path, fallback: str) -> Path | None:
    if not isinstance(item, UploadFile) or not item.filename:
        return None
    name = SAFE_NAME.sub("_", Path(item.filename).name).strip("._") or fallback
    target = folder / name
    written = 0
    with target.open("wb") as handle:
        while chunk := await item.read(2**20):
            written += len(chunk)
            if written > MAX_BYTES:
                raise EhcpAuditError(f"{item.filename} is larger than {MAX_BYTES // 2**20} MiB")
            handle.write(chunk)
    return target


def _run(request: Request, folder: Path, kind: str, confirm: bool) -> Summary:
    """The dry run (or, confirmed, the import) of the upload in `folder`, as the CLI runs it."""
    from ehcp_audit.ingest.importer import check_actions, import_actions
    from ehcp_audit.ingest.tracker import import_tracker, load_mapping

    app = web(request).live.app
    rejects = folder / "rejects.csv"
    rejects.unlink(missing_ok=True)
    data = next(p for p in sorted(folder.iterdir()) if p.name.startswith("data-"))
    if kind == "tracker":
        mapping = load_mapping(folder / "mapping.toml")
        tracked = import_tracker(app, data, mapping, dry_run=not confirm, rejects_path=rejects)
        lines = tuple(f"row {c.fact.row_number}: {c.fact.problem}" for c in tracked.rejected)
        text = tracked.summary()
    else:
        done = (import_actions if confirm else check_actions)(app, data, rejects_path=rejects)
        lines = tuple(f"row {r.row}: {r.error}" for r in done.rejections)
        text = (
            done.summary()
            if confirm
            else (
                f"{done.file_name}: {done.rows} rows: would import {done.imported}, "
                f"{done.duplicates} duplicates skipped, {done.rejected} rejected"
            )
        )
    return Summary(
        folder.name,
        kind,
        text,
        lines[:SHOWN_REJECTIONS],
        max(0, len(lines) - SHOWN_REJECTIONS),
        rejects.exists(),
        confirm,
    )


async def imports(request: Request) -> Response:
    access = await signed_in(request)
    require(access.runs_imports_and_reports)
    return page(request, "imports.html", access=access, summary=None, error="")


async def upload(request: Request) -> Response:
    access = await signed_in(request)
    posted = await form(request)
    require(access.runs_imports_and_reports)
    kind = "tracker" if posted.get("kind") == "tracker" else "actions"
    folder = web(request).work_dir / "uploads" / secrets.token_urlsafe(18)
    folder.mkdir(parents=True, mode=0o700)
    try:
        data = await _save(posted.get("file"), folder, "upload")
        if data is None:
            raise EhcpAuditError("choose the file to import")
        data.rename(folder / f"data-{data.name}")
        if kind == "tracker":
            mapping = await _save(posted.get("mapping"), folder, "mapping")
            if mapping is None:
                raise EhcpAuditError("a tracker needs its mapping file (TOML, docs/tracker.md)")
            mapping.rename(folder / "mapping.toml")
        summary = await run_in_threadpool(_run, request, folder, kind, False)
    except EhcpAuditError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return page(request, "imports.html", 400, access=access, summary=None, error=str(exc))
    return page(request, "imports.html", access=access, summary=summary, error="")


async def confirm(request: Request) -> Response:
    access = await signed_in(request)
    posted = await form(request)
    require(access.runs_imports_and_reports)
    folder = _folder(request, str(posted.get("upload", "")))
    kind = "tracker" if (folder / "mapping.toml").exists() else "actions"
    try:
        summary = await run_in_threadpool(_run, request, folder, kind, True)
    except EhcpAuditError as exc:
        return page(request, "imports.html", 400, access=access, summary=None, error=str(exc))
    for path in folder.iterdir():  # the upload is recorded: only its rejects are kept
        if path.name != "rejects.csv":
            path.unlink()
    return page(request, "imports.html", access=access, summary=summary, error="")


async def rejects(request: Request) -> Response:
    access = await signed_in(request)
    require(access.runs_imports_and_reports)
    path = _folder(request, request.path_params["upload"]) / "rejects.csv"
    if not path.is_file():
        raise not_found()
    return FileResponse(path, media_type="text/csv", filename="rejects.csv")


ROUTES = [
    Route("/imports", imports, methods=["GET"]),
    Route("/imports", upload, methods=["POST"]),
    Route("/imports/confirm", confirm, methods=["POST"]),
    Route("/imports/{upload:str}/rejects.csv", rejects, methods=["GET"]),
]
