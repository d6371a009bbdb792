"""The JSON API as a FastAPI application (``create_app``): read-only, no write endpoints.

Routes (under ``prefix``, ``/api`` by default; ``""`` to mount the app under
a path of another server, e.g. ``/api`` of the dashboard's):

- ``GET /totals?by=&as_at=&fy=``: ``{"rows": [...]}``, the rows of
  ``funding-tracker totals --format json`` (only financial year ``fy``'s when given);
- ``GET /announcements``, ``/commitments``, ``/deliveries``: a page of records
  in ref order, ``{"rows", "page", "per_page", "total", "next"}``, filtered by
  ``funder``, ``recipient``, ``area``, ``programme``, ``year`` (repeat one
  for any of several values);
- ``GET /{kind}/{ref}``: one record, with what belongs to it;
- ``GET /changes?since=``: the audit trail's changes, paged the same way;
- ``GET /openapi.json``: its description (OpenAPI 3), open to anyone. No
  documentation page is served: Swagger UI would load its script from a
  CDN, and the tracker makes no outside request (councils' networks block
  them); any OpenAPI viewer reads ``openapi.json``.

Access (``caller``): ``Authorization: Bearer TOKEN`` reads as the token's
user with their roles now; no header reads as a viewer when an admin has
turned public mode on, else 401. A header that is not a live token (wrong
scheme, unknown, revoked, replaced, its user disabled) is 401 whatever public
mode says. 401s carry ``WWW-Authenticate: Bearer``; a role that does not
allow something is 403. Every error is JSON ``{"error": "..."}`` (parameter
problems add ``problems``: parameter, value, what was expected).
"""

import json
import logging
from typing import Annotated, Any

from fastapi import BackgroundTasks, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPBearer
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from tracker.api import access, params
from tracker.api.changes import changes as read_changes
from tracker.api.views import KINDS, ROWS, ApiReads, hidden_record, may_see_hidden, record, select_positions
from tracker.records.permissions import PERMISSIONS, Actor, PermissionDenied, authorise, holds

LOG = logging.getLogger("tracker.api")
PUBLIC = Actor("public", frozenset({"viewer"}))
REALM = 'Bearer realm="funding-tracker"'
TOKEN_HELP = "send Authorization: Bearer TOKEN (an admin issues one: funding-tracker users token NAME)"
SINGULAR = {"announcements": "announcement", "commitments": "commitment", "deliveries": "delivery"}

DESCRIPTION = """Read-only JSON API of the funding tracker: the figures `funding-tracker totals` prints,
the announcements, commitments and deliveries behind them, and what changed since a moment.

**Access.** `Authorization: Bearer TOKEN` (an admin issues a token: `funding-tracker users token NAME`,
or on the Users page). When an admin has turned public mode on, requests without a token read what a viewer sees.

**Money** is given twice: exact pounds as text with two decimals (`"1500000.00"`) and integer pence
(`..._pence`); never a floating-point number. **Financial years** are labels (`2020-21`; `unphased`:
money whose year was not stated). Dates are ISO; times ISO in UTC.

**Errors** are JSON `{"error": "..."}` with the HTTP status: 400 a parameter that cannot be read
(or is not one this endpoint takes), 422 a value that names nothing known (a funder, recipient or
programme), 401 no or a bad token, 403 a role that does not allow it, 404 no such record."""


class ApiError(Exception):
    """An error answer: status, message, extra headers and fields."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, **extra: Any):
        self.status, self.message, self.headers, self.extra = status, message, headers or {}, extra
        super().__init__(message)


# Every answer: never kept by a shared cache (it may be one user's), never sniffed as anything but JSON.
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content, status_code=status, media_type="application/json", headers={**HEADERS, **(headers or {})})


def _error(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return json_response({"error": message, **extra}, status, headers)


def _unauthorised(message: str, error: str | None = None) -> ApiError:
    challenge = REALM if error is None else f'{REALM}, error="{error}"'
    return ApiError(401, message, {"WWW-Authenticate": challenge})


def create_app(engine: Engine, *, prefix: str = "/api") -> FastAPI:
    """The API on ``engine`` (a migrated database), its routes under ``prefix``."""
    reads = ApiReads(engine)
    app = FastAPI(
        title="Funding tracker API",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{prefix}/openapi.json",
        docs_url=None,  # (Swagger UI loads from a CDN: see the module's docstring)
        redoc_url=None,
    )
    app.state.reads = reads
    last_use = access.LastUse()
    bearer = HTTPBearer(auto_error=False, description="An API token: funding-tracker users token NAME")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, err: ApiError) -> Response:
        return _error(err.status, err.message, err.headers, **err.extra)

    @app.exception_handler(params.BadParameters)
    async def _bad_parameters(request: Request, err: params.BadParameters) -> Response:
        return _error(err.status, str(err), problems=[p.as_json() for p in err.problems])

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, err: PermissionDenied) -> Response:
        return _error(403, str(err))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> Response:
        message = {404: f"no such address: {request.url.path}"}.get(err.status_code, str(err.detail))
        return _error(err.status_code, message, dict(err.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> Response:
        problems = [
            {"parameter": str(e["loc"][-1]), "value": e.get("input"), "expected": e.get("msg", "")}
            for e in err.errors()
        ]
        return _error(400, "; ".join(f"{p['parameter']}: {p['expected']}" for p in problems), problems=problems)

    @app.exception_handler(Exception)
    async def _crashed(request: Request, err: Exception) -> Response:
        LOG.exception("the API failed answering %s", request.url.path)
        return _error(500, "the tracker could not answer this request; the error is in the server's log")

    def caller(
        request: Request, background: BackgroundTasks, _scheme: Annotated[Any, Security(bearer)] = None
    ) -> Actor:
        """Who the request reads as (see the module docstring); may they view at all."""
        header = request.headers.get("authorization")
        if header is None:
            if access.public_api(engine):
                return PUBLIC
            raise _unauthorised(f"a token is needed: {TOKEN_HELP}")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorised(f"expected a bearer token: {TOKEN_HELP}", "invalid_request")
        found = access.authenticate(token.strip(), engine=engine)
        if found is None:
            raise _unauthorised(
                "that token is not valid: it may be mistyped, revoked or replaced by a newer one, "
                "or its user may be disabled",
                "invalid_token",
            )
        if last_use.due(found):
            background.add_task(access.touch, found.token_id, engine=engine)
        actor = found.actor
        authorise(actor, "view")
        return actor

    Caller = Annotated[Actor, Security(caller)]

    def page_body(request: Request, rows: list[dict[str, Any]], page: int, per_page: int, total: int) -> Response:
        more = page * per_page < total
        following = str(request.url.include_query_params(page=page + 1)) if more else None
        return json_response({"rows": rows, "page": page, "per_page": per_page, "total": total, "next": following})

    text_filter = Annotated[
        list[str] | None, Query(description="exact name or org-id identifier; repeat for any of several")
    ]

    @app.get(prefix or "/", summary="What this API offers", include_in_schema=False)
    def index(request: Request) -> Response:
        base = str(request.url.replace(query="")).rstrip("/")
        return json_response(
            {
                "name": "Funding tracker API",
                "openapi": f"{base}/openapi.json",
                "endpoints": [f"{base}/{name}" for name in ("totals", *KINDS, "changes")],
            }
        )

    @app.get(f"{prefix}/totals", summary="Committed against delivered by financial year")
    def totals(
        request: Request,
        actor: Caller,
        by: Annotated[str | None, Query(description="funder, recipient, programme, purpose or area")] = None,
        as_at: Annotated[
            str | None, Query(description="only announcements made and deliveries paid on or before")
        ] = None,
        fy: Annotated[
            str | None, Query(description="only this financial year's row(s), e.g. 2020-21, or unphased")
        ] = None,
        prices: Annotated[
            str | None, Query(description="nominal (cash, the default) or real (in the prices of `base`)")
        ] = None,
        base: Annotated[
            str | None, Query(description="with prices=real: the base year, e.g. 2019-20 (default: this year)")
        ] = None,
        release: Annotated[
            str | None, Query(description="with prices=real: the deflator release by name (default: the default)")
        ] = None,
    ) -> Response:
        """The rows `funding-tracker totals --format json [--by BY] [--as-at DATE] [--prices real --base YEAR
        --release NAME]` prints, the same figures from the same read model: per financial year (and group),
        committed, delivered, variance, new money, estimated, qualifiers. With `fy`, only that year's rows.
        `prices` says what the figures are in; in real terms each row ends with `prices`, `base_year` and
        `deflator_release`, and a year with no deflator has null amounts."""
        query = params.totals_query(request.query_params.multi_items())
        return json_response({"rows": reads.totals(query), "prices": reads.prices(query).described()})

    def lister(kind: str):
        def listing(
            request: Request,
            actor: Caller,
            funder: text_filter = None,
            recipient: text_filter = None,
            area: Annotated[list[str] | None, Query(description="an ONS GSS code, e.g. W06000015")] = None,
            programme: Annotated[list[str] | None, Query(description="the exact name of a programme")] = None,
            year: Annotated[list[str] | None, Query(description="a financial year, e.g. 2020-21")] = None,
            page: Annotated[str | None, Query(description="1 (the default) or more")] = None,
            per_page: Annotated[str | None, Query(description=f"1 to {params.MAX_PER_PAGE}; default 100")] = None,
        ) -> Response:
            query = params.record_query(request.query_params.multi_items())
            tables = reads.tables()
            positions = select_positions(tables, kind, query)
            first = (query.page - 1) * query.per_page
            rows = ROWS[kind](tables, positions[first : first + query.per_page])
            return page_body(request, rows, query.page, query.per_page, len(positions))

        listing.__doc__ = LIST_DOCS[kind]
        listing.__name__ = f"list_{kind}"
        return listing

    def shower(kind: str):
        def show(request: Request, actor: Caller, ref: str) -> Response:
            params.no_parameters(request.query_params.multi_items())
            found = record(reads.tables(), kind, ref)
            if found is None and may_see_hidden(actor):
                found = hidden_record(engine, kind, ref)
            if found is None:
                raise ApiError(404, f"no {SINGULAR[kind]} has the ref {ref!r}")
            return json_response(found)

        show.__doc__ = (
            f"One {SINGULAR[kind]} by its ref, as listed, with what belongs to it. Deleted ones are "
            "404 but for admins, who see them as the audit trail records them (`hidden`: true)."
        )
        show.__name__ = f"one_{SINGULAR[kind]}"
        return show

    for kind in KINDS:
        app.get(f"{prefix}/{kind}", summary=f"A page of {kind}")(lister(kind))
        app.get(f"{prefix}/{kind}/{{ref:path}}", summary=f"One {SINGULAR[kind]}")(shower(kind))

    @app.get(f"{prefix}/changes", summary="What changed since a moment")
    def changes(
        request: Request,
        actor: Caller,
        since: Annotated[str | None, Query(description="ISO date or date-time (UTC unless a zone is given)")] = None,
        full: Annotated[str | None, Query(description="true: every event, with who made it (admins only)")] = None,
        page: Annotated[str | None, Query(description="1 (the default) or more")] = None,
        per_page: Annotated[str | None, Query(description=f"1 to {params.MAX_PER_PAGE}; default 100")] = None,
    ) -> Response:
        """Records created, changed, deleted or restored at or after `since`, oldest first, from the
        audit trail: when, what (`entity`, `ref`), which fields (`changed`, never their values) and
        where to read it (`url`). No actor names and no account events, unless `full=true`
        (admins only: 403 for anyone else)."""
        query = params.changes_query(request.query_params.multi_items())
        if query.full and not holds(actor.roles, PERMISSIONS["view_audit"]):
            raise ApiError(403, "full=true shows who changed what: it needs the admin role")
        base = f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}{prefix}"
        found = read_changes(
            engine, query.since, full=query.full, page=query.page, per_page=query.per_page, prefix=base
        )
        return page_body(request, found.rows, query.page, query.per_page, found.total)

    return app


LIST_DOCS = {
    "announcements": """Announcements in ref order, with the commitments they carry and their money (the
Announcements page's figures): headline (announced), committed (every pound once), new money.
`funder` is the announcement's; `recipient`, `area`, `programme` and `year` keep an announcement
when one of its commitments matches (a statement with no money only when none of them is given).""",
    "commitments": """Commitments in ref order: what was announced (amount, kind, qualifier, years) and what
it counts for, in all and per financial year (headline, committed, new money, estimated), and
what was delivered against it. A record's figures are those of the whole data; filters only
choose which records are listed. `year` keeps commitments announcing money in that year.""",
    "deliveries": """Deliveries in ref order. `funder`, `recipient`, `area` and `programme` are those of the
delivery's commitment; `year` is the financial year of the day it was paid.""",
}
