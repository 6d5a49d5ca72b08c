"""The Starlette application: GraphQL at /graphql (signed in, permission-checked, audited), the browser sign-in
routes, the web client's files, and a health check. See docs/security.md."""
from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import Any, AsyncIterator

from neo4j import AsyncGraphDatabase
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from family_context.audit import AuditCollector, AuditStore
from family_context.ops.http import API_DRIVER_OPTIONS, AccessLog, ops_routes
from family_context.auth.web import SESSION_COOKIE, Authenticator, GuardedGraphQL, SecurityHeaders, web_routes
from family_context.settings import PROJECT_ROOT, Settings, get_settings
from resolvers.graph_reader import GraphReader
from schema import build_schema
from schema.security import web_client_documents

WEB_CLIENT = PROJECT_ROOT / "web_client"
NODE_MODULES = WEB_CLIENT / "node_modules"


class FamilyContextGraphQL(GraphQL):
    """Strawberry's ASGI app. Every resolver's context holds: `graph` (GraphReader tagging each Cypher transaction
    with the request id, bounded by the Cypher timeout), `principal` (who is asking), `request_id`, `audit` (this
    request's AuditCollector, fed by the field permissions) and `audit_store`."""

    def __init__(self, *args: Any, cypher_timeout: float = 10.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cypher_timeout = cypher_timeout

    async def get_context(self, request: Request, response: Response) -> dict[str, Any]:
        request_id = request.state.request_id
        principal = getattr(request.state, "principal", None)  # None only for the GraphiQL page (GET)
        session = request.scope.get("session") or {}
        purposes = session.get("purposes") if principal is not None and principal.via == "session" else None
        return {
            "request": request, "response": response, "request_id": request_id, "principal": principal,
            "graph": GraphReader(request.app.state.driver, request_id=request_id, timeout=self.cypher_timeout),
            "audit": AuditCollector(principal, request_id, purposes, request.headers.get("x-purpose")),
            "audit_store": request.app.state.audit,
        }


async def index(request: Request) -> Response:
    """The web client's page; a browser without a session is sent to sign in first."""
    if request.app.state.authenticator.session_principal(request) is None:
        return RedirectResponse("/login?next=/", status_code=303)
    return FileResponse(WEB_CLIENT / "index.html")


async def health(request: Request) -> JSONResponse:
    """200 when Neo4j answers, 503 with a retry hint when it does not (the compose healthcheck uses this)."""
    try:
        await request.app.state.driver.verify_connectivity()
    except (ServiceUnavailable, Neo4jError, OSError):
        return JSONResponse({"status": "unavailable", "neo4j": "down"}, status_code=503,
                            headers={"Retry-After": "5"})
    return JSONResponse({"status": "ok", "neo4j": "up"})


def _static(directory: Path) -> StaticFiles:
    return StaticFiles(directory=directory, check_dir=False)


def _compressed(directory: Path) -> GZipMiddleware:
    """Static files gzipped. Only static files: compressing responses that carry secrets next to reflected input
    (GraphQL, /session) would open them to BREACH-style attacks."""
    return GZipMiddleware(_static(directory), minimum_size=1000)


def _settle_garbage_collector() -> None:
    """Everything built at start-up (schema, routes, caches) lives as long as the process: freeze it out of the
    cycle collector's reach, and let the young generation grow before a collection. A person page allocates
    thousands of short-lived objects; with the defaults, full collections walking the whole heap came every few
    requests and made the slowest requests several times slower than the median."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


GC_YOUNG_THRESHOLD = 20_000


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password),
            notifications_min_severity="OFF", **API_DRIVER_OPTIONS)
        app.state.audit = AuditStore(settings.var_dir / "audit" / "audit.sqlite3")
        _settle_garbage_collector()
        try:
            yield
        finally:
            await app.state.driver.close()
            app.state.audit.close()

    authenticator = Authenticator(settings)
    persisted = web_client_documents(WEB_CLIENT / "static") if settings.persisted_documents_only else None
    graphql_app = FamilyContextGraphQL(
        build_schema(settings, persisted_documents=persisted),
        graphql_ide=None if settings.production else "graphiql", allow_queries_via_get=False,
        cypher_timeout=settings.cypher_timeout)
    routes = [
        Route("/", index),
        Route("/health", health),
        Route("/graphql", GuardedGraphQL(graphql_app, authenticator), methods=["GET", "POST"]),
        *(Route(path, endpoint, methods=methods) for path, endpoint, methods in web_routes(settings, authenticator)),
        *ops_routes(),
        Mount("/static", app=_compressed(WEB_CLIENT / "static"), name="static"),
        Mount("/vendor", app=_compressed(NODE_MODULES), name="vendor"),
        Mount("/assets", app=_static(NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets"), name="assets"),
    ]
    middleware = [
        Middleware(SecurityHeaders, settings=settings),
        Middleware(AccessLog),
        Middleware(SessionMiddleware, secret_key=settings.session_secret, session_cookie=SESSION_COOKIE,
                   max_age=settings.session_max_age, same_site="lax",
                   https_only=settings.app_url.startswith("https://")),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.authenticator = authenticator
    return app
