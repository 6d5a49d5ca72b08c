"""Run the app under uvicorn; in development, with the development identity provider alongside it."""
from __future__ import annotations

import dataclasses

import uvicorn

from family_context.app import create_app
from family_context.logging_config import UVICORN_LOG_CONFIG, configure_logging
from family_context.settings import Settings


def run_server(settings: Settings, host: str | None = None, port: int | None = None) -> None:
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
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                    access_log=False, log_config=UVICORN_LOG_CONFIG)
    finally:
        if idp is not None:
            idp.stop()
