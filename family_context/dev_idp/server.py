"""The dev IdP's Flask app: discovery, JWKS, /authorize (sign-in form), /token, /userinfo, /logout."""
from __future__ import annotations

import hmac
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, request
from joserfc.jwk import KeySet, RSAKey

from family_context.dev_idp.users import (CLI_CLIENT_ID, CLI_REDIRECT_URI, DEMO_USERS, INTEGRATOR_CLIENT_ID,
                                          INTEGRATOR_SCOPES, INTEGRATOR_SECRET, DemoUser)

ACCESS_TOKEN_LIFETIME = 900
CODE_LIFETIME = 120
USER_SCOPES = "openid profile email roles"


@dataclass
class Client(ClientMixin):
    client_id: str
    secret: str | None
    redirect_uris: list[str]
    grant_types: list[str]
    scope: str
    auth_methods: tuple[str, ...] = ("client_secret_basic", "client_secret_post")

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return self.scope
        allowed = set(self.scope.split())
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and hmac.compare_digest(self.secret, client_secret or "")

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in self.auth_methods

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    username: str
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return ["pwd"]

    def is_expired(self) -> bool:
        return time.time() > self.auth_time + CODE_LIFETIME


@dataclass(frozen=True)
class User:
    account: DemoUser

    def get_user_id(self) -> str:
        return f"user:{self.account.username}"


def user_claims(user: User | None) -> dict[str, Any]:
    if user is None:
        return {}
    account = user.account
    return {"name": account.name, "preferred_username": account.username, "roles": list(account.roles),
            "team": account.team, "email": f"{account.username}@example.invalid"}


def create_idp_app(issuer: str, audience: str, key: RSAKey, web_client_id: str, web_client_secret: str,
                   web_redirect_uris: list[str]) -> Flask:
    app = Flask("family_context_dev_idp")
    app.config["SECRET_KEY"] = secrets.token_hex(16)
    clients = {
        web_client_id: Client(web_client_id, web_client_secret, list(web_redirect_uris), ["authorization_code"],
                              USER_SCOPES),
        CLI_CLIENT_ID: Client(CLI_CLIENT_ID, None, [CLI_REDIRECT_URI], ["authorization_code"], USER_SCOPES,
                              auth_methods=("none",)),
        INTEGRATOR_CLIENT_ID: Client(INTEGRATOR_CLIENT_ID, INTEGRATOR_SECRET, [], ["client_credentials"],
                                     INTEGRATOR_SCOPES),
    }
    callback_origins = " ".join(sorted({"/".join(uri.split("/")[:3]) for uri in web_redirect_uris}))
    codes: dict[str, Code] = {}
    lock = threading.Lock()
    private_set = KeySet([key])
    stats = {"jwks_requests": 0, "tokens_issued": 0}
    app.config["IDP_STATS"] = stats
    app.config["IDP_CLIENTS"] = clients

    class AccessTokens(JWTBearerTokenGenerator):
        def get_jwks(self) -> KeySet:
            return private_set

        def get_audiences(self, client: Client, user: User | None, scope: str) -> str:
            return audience

        def get_extra_claims(self, client: Client, grant_type: str, user: User | None, scope: str) -> dict:
            if user is None:  # client credentials: the client's role is integrator
                return {"roles": ["integrator"]}
            return user_claims(user)

    def expires_in(client: Client, grant_type: str) -> int:
        return ACCESS_TOKEN_LIFETIME

    class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            with lock:
                codes[code] = Code(code, req.client.get_client_id(), req.payload.redirect_uri, req.scope,
                                   req.user.account.username, req.payload.data.get("code_challenge"),
                                   req.payload.data.get("code_challenge_method"), req.payload.data.get("nonce"))

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            with lock:
                item = codes.get(code)
            if item and item.client_id == client.get_client_id() and not item.is_expired():
                return item
            return None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            with lock:
                codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> User | None:
            account = DEMO_USERS.get(authorization_code.username)
            return User(account) if account else None

    class IdToken(OpenIDCode):
        def resolve_client_private_key(self, client: Client) -> KeySet:
            return private_set

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict:
            return {"alg": "RS256", "kid": key.kid}

        def get_client_claims(self, client: Client) -> dict:
            now = int(time.time())
            return {"iss": issuer, "aud": [client.get_client_id()], "iat": now, "exp": now + ACCESS_TOKEN_LIFETIME}

        def exists_nonce(self, nonce: str, req: Any) -> bool:
            with lock:
                return any(c.nonce == nonce for c in codes.values())

        def generate_user_info(self, user: User, scope: str) -> UserInfo:
            return UserInfo(sub=user.get_user_id(), **user_claims(user))

    def save_token(token: dict, req: Any) -> None:
        stats["tokens_issued"] += 1

    server = AuthorizationServer(app, query_client=clients.get, save_token=save_token)
    server.register_token_generator("default", AccessTokens(issuer=issuer, expires_generator=expires_in))
    server.register_grant(AuthorizationCodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=False)])
    server.register_grant(grants.ClientCredentialsGrant)

    @app.after_request
    def no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # form-action also governs where the sign-in form's redirect may go: the registered clients' callbacks.
        response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                       f"form-action 'self' {callback_origins}; "
                                                       "frame-ancestors 'none'")
        return response

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        return jsonify({
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": USER_SCOPES.split() + INTEGRATOR_SCOPES.split(),
            "claims_supported": ["sub", "name", "preferred_username", "email", "roles", "team"],
        })

    @app.get("/jwks")
    def jwks() -> Response:
        stats["jwks_requests"] += 1
        return jsonify(KeySet([key]).as_dict(private=False))

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        try:
            grant = server.get_consent_grant(end_user=None)
        except OAuth2Error as error:
            return _page("Sign-in request refused", f"<p>{html.escape(error.error or 'invalid_request')}: "
                         f"{html.escape(error.description or '')}</p>"), 400
        if request.method == "GET":
            return _login_form(request.query_string.decode("ascii", "replace"))
        account = DEMO_USERS.get(request.form.get("username", "").strip())
        password = request.form.get("password", "")
        if account is None or not hmac.compare_digest(account.password.encode(), password.encode()):
            return _login_form(request.query_string.decode("ascii", "replace"),
                               error="The user name or password is not right"), 401
        return server.create_authorization_response(grant_user=User(account), grant=grant)

    @app.post("/token")
    def token() -> Response:
        return server.create_token_response()

    @app.get("/userinfo")
    def userinfo() -> Any:
        return jsonify({"error": "use the id_token"}), 404

    @app.get("/logout")
    def logout() -> str:
        return _page("Signed out", "<p>You have signed out of the development identity provider.</p>")

    return app


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
label{{display:block;font-weight:bold;margin-top:1rem}}input{{font-size:1.1rem;padding:.3rem;width:20rem}}
button{{margin-top:1rem;font-size:1.1rem;padding:.4rem 1rem;background:#00703c;color:#fff;border:0}}
.error{{color:#d4351c;font-weight:bold}}table{{border-collapse:collapse}}td,th{{padding:.2rem .6rem;text-align:left}}</style>
</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"""


def _login_form(query: str, error: str | None = None) -> str:
    demo_rows = "".join(f"<tr><td>{html.escape(u.username)}</td><td>{html.escape(u.password)}</td>"
                        f"<td>{html.escape(', '.join(u.roles))}</td><td>{html.escape(u.team)}</td></tr>"
                        for u in DEMO_USERS.values())
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    action = "/authorize?" + html.escape(query, quote=True)
    return _page("Sign in to Family Context (development)", f"""{message}
<form method="post" action="{action}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password"
 autocomplete="current-password" required>
<div><button type="submit">Sign in</button></div></form>
<h2>Demo sign-ins (development identity provider only)</h2>
<table><tr><th>Username</th><th>Password</th><th>Role</th><th>Team</th></tr>{demo_rows}</table>""")


def authorize_url(issuer: str, client_id: str, redirect_uri: str, challenge: str, state: str,
                  scope: str = USER_SCOPES) -> str:
    return f"{issuer}/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
        "state": state, "code_challenge": challenge, "code_challenge_method": "S256"})
