"""Run the app under uvicorn."""
from __future__ import annotations

import uvicorn

from family_context.app import create_app
from family_context.settings import Settings


def run_server(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_level="info", access_log=False)
