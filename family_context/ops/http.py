"""The operations side of the HTTP app (docs/operations.md):

- `AccessLog`: one structured log line per request (request id, method, route path, status, duration, GraphQL
  operation name and error codes), never the query string, the GraphQL text or variables, cookies or tokens;
- `DatabaseUnavailable`: a schema extension turning "Neo4j is not answering" into HTTP 503 with `Retry-After` and
  the GraphQL error code SERVICE_UNAVAILABLE, so load balancers, the web client and integrators all back off;
- `ops_routes()`: `GET /reports/usage.csv` (the usage report as CSV, same permissions as `usageReport`);
- `API_DRIVER_OPTIONS`: the driver options the app uses, so a request fails fast instead of retrying for 30 s.
"""
from __future__ import annotations

import logging
import re
import time
from datetime import date
from typing import Any, Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

access_log = logging.getLogger("family_context.access")
log = logging.getLogger("family_context.ops")

RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException | None) -> bool:
    """True when Neo4j is not answering or has answered "try again": unreachable, restarting, still recovering
    after a crash (a transient error, or an index not online yet), or no pooled connection free in time. Such a
    request is answered 503 + Retry-After, never a 200 carrying an internal error. A Cypher timeout is not one of
    these: the question itself was too big, and trying again would not help."""
    from neo4j.exceptions import (ClientError, ConnectionAcquisitionTimeoutError, IncompleteCommit,
                                  ServiceUnavailable, SessionExpired, TransientError)

    if error is None or "TimedOut" in str(getattr(error, "code", "") or ""):
        return False
    if isinstance(error, (ServiceUnavailable, SessionExpired, TransientError, IncompleteCommit,
                          ConnectionAcquisitionTimeoutError)) or type(error).__name__ == "Neo4jUnavailable":
        return True
    return isinstance(error, ClientError) and "not online" in str(getattr(error, "message", "") or "").lower()

_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

#: Driver options for the API's Neo4j driver. Reads are retried on a lost connection for at most this long, then
#: the request answers 503 (the default, 30 s, would hold every request open while Neo4j restarts).
API_DRIVER_OPTIONS: dict[str, Any] = {
    "max_transaction_retry_time": 2.0,
    "connection_timeout": 3.0,
    "connection_acquisition_timeout": 10.0,
    "liveness_check_timeout": 30.0,
}


def _ops_state(context: Any) -> dict[str, Any] | None:
    request = context.get("request") if isinstance(context, dict) else None
    if request is None:
        return None
    return request.scope.setdefault("state", {}).setdefault("fc_ops", {})


class DatabaseUnavailable(SchemaExtension):
    """After an operation: if any error came from Neo4j being unreachable, answer 503 + Retry-After, with the code
    SERVICE_UNAVAILABLE on those errors (whatever order the error-masking extension runs in). Also notes the
    operation name and error codes for the access log."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        state = _ops_state(context)
        name = self.execution_context.operation_name
        if state is not None and name and _OPERATION_NAME.match(name):
            state["operation"] = name
        result = self.execution_context.result
        if not isinstance(result, GraphQLExecutionResult) or not result.errors:
            return
        unavailable = False
        for error in result.errors:
            original = getattr(error, "original_error", None)
            code = (error.extensions or {}).get("code")
            if code == "SERVICE_UNAVAILABLE" or (code != "QUERY_TIMEOUT" and database_unavailable(original)):
                unavailable = True
                if code != "SERVICE_UNAVAILABLE":
                    error.extensions = {**(error.extensions or {}), "code": "SERVICE_UNAVAILABLE"}
                    error.message = "The database is not available; try again shortly"
        if state is not None:
            state["codes"] = sorted({str((e.extensions or {}).get("code", "")) for e in result.errors} - {""})
        if unavailable and isinstance(context, dict) and context.get("response") is not None:
            response = context["response"]
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


class AccessLog:
    """One line per HTTP request on the `family_context.access` logger. Sits inside the middleware that assigns
    the request id (auth.web.SecurityHeaders), so it logs the same id the response header and the audit carry."""

    SKIP = ("/static/", "/vendor/", "/assets/")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500, "bytes": 0}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "http.response.body":
                status["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            path = scope.get("path", "")
            if not (path.startswith(self.SKIP) and status["code"] < 400):
                state = scope.get("state") or {}
                ops = state.get("fc_ops") or {}
                principal = state.get("principal")
                extra = {
                    "request_id": state.get("request_id"), "method": scope.get("method"), "path": _route(path),
                    "status": status["code"], "ms": round((time.perf_counter() - started) * 1000, 1),
                    "bytes": status["bytes"],
                }
                if principal is not None:
                    extra["via"] = principal.via
                    extra["roles"] = ",".join(sorted(principal.roles))
                if ops.get("operation"):
                    extra["operation"] = ops["operation"]
                if ops.get("codes"):
                    extra["codes"] = ",".join(ops["codes"])
                level = logging.WARNING if status["code"] >= 500 else logging.INFO
                access_log.log(level, "%s %s %s", scope.get("method"), extra["path"], status["code"], extra=extra)


def _route(path: str) -> str:
    """The path without anything that could identify a person (no query string ever reaches here; long or odd
    paths are cut)."""
    if len(path) > 80 or not re.match(r"^[A-Za-z0-9/._-]*$", path):
        return path[:40].split("?")[0] + "..."
    return path


# --- usage CSV --------------------------------------------------------------------------------------------------

async def usage_csv(request: Request) -> Response:
    """GET /reports/usage.csv?since=YYYY-MM-DD&until=YYYY-MM-DD&by=day|team|user[&team=...]: bearer or session."""
    from family_context.ops import usage as usage_mod

    authenticator = request.app.state.authenticator
    principal = await authenticator.authenticate(request, require_csrf=False)
    if isinstance(principal, Response):
        return principal
    request.scope.setdefault("state", {})["principal"] = principal
    params = request.query_params
    try:
        since = date.fromisoformat(params.get("since", ""))
        until = date.fromisoformat(params.get("until", ""))
    except ValueError:
        return _error(400, "BAD_USER_INPUT", "give since and until as YYYY-MM-DD")
    by = params.get("by", "day")
    try:
        usage_mod.check_range(since, until)
        if by not in usage_mod.CSV_COLUMNS:
            raise usage_mod.UsageError("by must be day, team or user")
        scope = usage_mod.team_scope(principal.roles, principal.team, params.get("team"))
    except usage_mod.UsageError as exc:
        return _error(403 if exc.code == "FORBIDDEN" else 400, exc.code, str(exc))
    import anyio

    path = request.app.state.audit.path
    rows = await anyio.to_thread.run_sync(lambda: usage_mod.usage(path, since, until, by, scope))
    name = f"usage-{by}-{since.isoformat()}-{until.isoformat()}.csv"
    return Response(usage_mod.to_csv(rows, by), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        headers={"Cache-Control": "no-store"})


def ops_routes() -> list[Route]:
    return [Route("/reports/usage.csv", usage_csv, methods=["GET"])]
