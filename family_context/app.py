"""The Starlette application: GraphQL at /graphql, the web client's files, and a health check."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, AsyncIterator

from neo4j import AsyncGraphDatabase
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from family_context.settings import PROJECT_ROOT, Settings, get_settings
from resolvers.graph_reader import GraphReader
from schema import build_schema

WEB_CLIENT = PROJECT_ROOT / "web_client"
NODE_MODULES = WEB_CLIENT / "node_modules"


class FamilyContextGraphQL(GraphQL):
    """Strawberry's ASGI app with the Neo4j driver in every resolver's context."""

    async def get_context(self, request: Request, response: Response) -> dict[str, Any]:
        return {"request": request, "response": response, "graph": GraphReader(request.app.state.driver)}


async def index(request: Request) -> FileResponse:
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


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password),
            notifications_min_severity="OFF")
        try:
            yield
        finally:
            await app.state.driver.close()

    graphql_app = FamilyContextGraphQL(
        build_schema(), graphql_ide=None if settings.production else "graphiql", allow_queries_via_get=False)
    routes = [
        Route("/", index),
        Route("/health", health),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Mount("/static", app=_static(WEB_CLIENT / "static"), name="static"),
        Mount("/vendor", app=_static(NODE_MODULES), name="vendor"),
        Mount("/assets", app=_static(NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets"), name="assets"),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
