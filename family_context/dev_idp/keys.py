"""The dev IdP's RSA signing key, kept in var/dev_idp/ (mode 0600) so tokens survive restarts and
`family-context dev-token` can mint a token with it when the IdP is not running."""
from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from family_context.settings import Settings


def key_file(settings: Settings) -> Path:
    return settings.var_dir / "dev_idp" / "signing_key.json"


def signing_key(settings: Settings) -> RSAKey:
    path = key_file(settings)
    if path.exists():
        return RSAKey.import_key(json.loads(path.read_text()))
    key = RSAKey.generate_key(2048, parameters={"kid": f"dev-{uuid.uuid4().hex[:12]}", "use": "sig",
                                                 "alg": "RS256"}, private=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(key.as_dict(private=True), handle)
    return key


def public_jwks(key: RSAKey) -> dict[str, Any]:
    return KeySet([key]).as_dict(private=False)


def mint(settings: Settings, claims: dict[str, Any], lifetime: int = 900, key: RSAKey | None = None,
         header: dict[str, Any] | None = None) -> str:
    """Sign an access token as the dev IdP would (issuer, audience, iat/exp filled unless given)."""
    key = key or signing_key(settings)
    now = int(time.time())
    body = {"iss": settings.dev_idp_url, "aud": settings.api_audience, "iat": now, "exp": now + lifetime,
            "jti": uuid.uuid4().hex, **claims}
    return jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": key.kid, **(header or {})}, body, key)
