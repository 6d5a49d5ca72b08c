"""Start and stop the dev IdP in a background thread of the current process (werkzeug's threaded server)."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from family_context.dev_idp.keys import signing_key
from family_context.dev_idp.server import create_idp_app
from family_context.settings import Settings


class DevIdPRefused(RuntimeError):
    """The development identity provider never runs in production mode."""


@dataclass
class DevIdP:
    url: str
    server: BaseWSGIServer
    thread: threading.Thread
    app: Any = field(repr=False)

    @property
    def jwks_requests(self) -> int:
        return self.app.config["IDP_STATS"]["jwks_requests"]

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


def start_dev_idp(settings: Settings, redirect_uris: list[str] | None = None) -> DevIdP:
    """Serve the dev IdP on 127.0.0.1:settings.dev_idp_port (loopback only) until `.stop()`."""
    if settings.production:
        raise DevIdPRefused("The development identity provider refuses to start in production mode "
                            "(FC_MODE=production); set FC_OIDC_ISSUER to your identity provider instead.")
    if settings.oidc_issuer and settings.oidc_issuer.rstrip("/") != settings.dev_idp_url:
        raise DevIdPRefused(f"FC_OIDC_ISSUER points at another issuer; the dev IdP would not be used")
    uris = list(redirect_uris or [f"{settings.app_url}/callback"])
    app = create_idp_app(settings.dev_idp_url, settings.api_audience, signing_key(settings),
                         settings.oidc_client_id, settings.web_client_secret, uris)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", settings.dev_idp_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dev-idp", daemon=True)
    thread.start()
    return DevIdP(url=settings.dev_idp_url, server=server, thread=thread, app=app)
