"""Run the app under uvicorn; in development, with the development identity provider alongside it."""
from __future__ import annotations

import dataclasses
import os

import uvicorn

from family_context.app import create_app
from family_context.logging_config import UVICORN_LOG_CONFIG, configure_logging
from family_context.settings import Settings


def run_server(settings: Settings, host: str | None = None, port: int | None = None, workers: int = 1) -> None:
    """Serve until stopped. With workers > 1, uvicorn runs that many processes on the one port, each building the
    app from the environment (FC_*): a GraphQL request costs milliseconds of CPU in Python, so one process caps the
    API at one core however many the machine has. Per-process state: the rate limit counts per worker; the audit
    store is shared (SQLite serialises writers, so its hash chain stays whole)."""
    settings = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
    configure_logging()
    idp = None
    if not settings.production and not settings.oidc_issuer:
        from family_context.dev_idp import start_dev_idp
        from family_context.dev_idp.users import describe_sign_ins

        idp = start_dev_idp(settings)
        print(f"Development identity provider on {idp.url} (never in production). Demo sign-ins:")
        print(describe_sign_ins())
    try:
        if workers > 1:
            os.environ["FC_HOST"], os.environ["FC_PORT"] = settings.host, str(settings.port)
            uvicorn.run("family_context.app:create_app", factory=True, workers=workers, host=settings.host,
                        port=settings.port, log_level="info", access_log=False, log_config=UVICORN_LOG_CONFIG)
        else:
            uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                        access_log=False, log_config=UVICORN_LOG_CONFIG)
    finally:
        if idp is not None:
            idp.stop()
