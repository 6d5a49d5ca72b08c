"""Get a real token from a running dev IdP, as a script or a test would: the authorization code flow with PKCE
for a demo user (the CLI client, which never follows the redirect), client credentials for the integrator."""
from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import httpx2

from family_context.dev_idp.server import authorize_url
from family_context.dev_idp.users import (CLI_CLIENT_ID, CLI_REDIRECT_URI, DEMO_USERS, INTEGRATOR_CLIENT_ID,
                                          INTEGRATOR_SECRET, USER_FOR_ROLE)


class DevTokenError(RuntimeError):
    pass


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def user_token(issuer: str, username: str, password: str | None = None, timeout: float = 10) -> str:
    account = DEMO_USERS[username]
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = authorize_url(issuer, CLI_CLIENT_ID, CLI_REDIRECT_URI, challenge, state)
    with httpx2.Client(timeout=timeout) as client:
        response = client.post(url, data={"username": username, "password": password or account.password})
        if response.status_code != 302:
            raise DevTokenError(f"sign-in failed (HTTP {response.status_code})")
        query = parse_qs(urlparse(response.headers["location"]).query)
        if query.get("state") != [state] or "code" not in query:
            raise DevTokenError("the identity provider did not return a code")
        token = client.post(f"{issuer}/token", data={
            "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": CLI_REDIRECT_URI,
            "client_id": CLI_CLIENT_ID, "code_verifier": verifier})
        if token.status_code != 200:
            raise DevTokenError(f"token request failed (HTTP {token.status_code})")
        return token.json()["access_token"]


def client_token(issuer: str, scope: str | None = None, timeout: float = 10) -> str:
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = httpx2.post(f"{issuer}/token", data=data, auth=(INTEGRATOR_CLIENT_ID, INTEGRATOR_SECRET),
                          timeout=timeout)
    if response.status_code != 200:
        raise DevTokenError(f"token request failed (HTTP {response.status_code})")
    return response.json()["access_token"]


def token_for_role(issuer: str, role: str, scope: str | None = None) -> str:
    if role == "integrator":
        return client_token(issuer, scope)
    if role not in USER_FOR_ROLE:
        raise DevTokenError(f"no demo user for role {role!r}")
    return user_token(issuer, USER_FOR_ROLE[role])
