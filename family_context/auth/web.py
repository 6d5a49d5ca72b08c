"""Sign-in over HTTP: who is asking on every /graphql request, the browser's OIDC sign-in, its session and CSRF.

Contract (docs/security.md):
- Machine clients send `Authorization: Bearer <JWT>`; the token is validated (issuer, audience, expiry, JWKS).
- Browsers sign in at `GET /login` (authorization code + PKCE with the council's identity provider, via authlib's
  Starlette client) and come back to `GET /callback`; the session lives in a signed, HttpOnly, SameSite=Lax cookie
  (Secure outside local http) that expires. `GET /session` returns the user and a CSRF token; every
  cookie-authenticated POST must send it in `X-CSRF-Token` (and a same-origin `Origin` when the browser sends one).
- `POST /session/purpose {"personId", "purpose"}` records why the user is looking at a person (once per person per
  session); the audit records it with every read of that person.
- `GET /logout` ends the session.
"""
from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import time
import uuid
from contextvars import ContextVar
from typing import Any, Awaitable, Callable

import anyio
from authlib.integrations.starlette_client import OAuth, OAuthError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from family_context.audit.collector import NOT_GIVEN, PURPOSES, AuditEvent
from family_context.audit.store import AuditWriteError
from family_context.auth.principal import Principal, principal_from_claims
from family_context.auth.ratelimit import RateLimiter
from family_context.auth.tokens import InvalidToken, TokenValidator
from family_context.settings import Settings

log = logging.getLogger("family_context.auth")

SESSION_COOKIE = "fc_session"
CSRF_HEADER = "x-csrf-token"
MAX_PURPOSES_PER_SESSION = 40  # the session is a cookie: keep it small
MAX_BODY_BYTES = 64 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PERSON_ID = re.compile(r"^[A-Za-z0-9:_-]{1,80}$")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self' {issuer}; "
       "frame-ancestors 'none'")
# GraphiQL (development only) is one inline page that loads its scripts from a CDN.
CSP_GRAPHIQL = ("default-src 'self'; script-src 'self' 'unsafe-inline' https:; style-src 'self' 'unsafe-inline' "
                "https:; img-src 'self' data: https:; font-src 'self' https: data:; connect-src 'self'; "
                "frame-ancestors 'none'")


#: The request id of the request being handled (set by SecurityHeaders), so every refusal can carry it.
REQUEST_ID: ContextVar[str | None] = ContextVar("family_context_request_id", default=None)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    extensions = {"code": code}
    if REQUEST_ID.get():
        extensions["requestId"] = REQUEST_ID.get()
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": extensions}]},
                        status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


class Authenticator:
    """Works out the principal of a request, or the response refusing it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.validator = TokenValidator(settings.issuer, settings.api_audience,
                                        refetch_interval=settings.jwks_refetch_interval)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    def session_principal(self, request: Request) -> Principal | None:
        session = request.scope.get("session") or {}
        user = session.get("user")
        if not user or session.get("expires_at", 0) < time.time():
            return None
        return Principal.from_session(user)

    async def authenticate(self, request: Request, require_csrf: bool) -> Principal | Response:
        authorization = request.headers.get("authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return _error(401, "UNAUTHENTICATED", "Send a bearer token",
                              {"WWW-Authenticate": 'Bearer error="invalid_request"'})
            try:
                claims = await self.validator.validate(token.strip())
            except InvalidToken as exc:
                log.info("request %s: bearer token refused (%s)", request.state.request_id, exc.reason)
                return _error(401, "INVALID_TOKEN", "The bearer token is not valid",
                              {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            principal = principal_from_claims(claims, self.settings, via="bearer")
        else:
            principal = self.session_principal(request)
            if principal is None:
                return _error(401, "UNAUTHENTICATED", "Sign in first", {"WWW-Authenticate": "Bearer"})
            if require_csrf and request.method not in ("GET", "HEAD", "OPTIONS"):
                expected = (request.scope.get("session") or {}).get("csrf", "")
                sent = request.headers.get(CSRF_HEADER, "")
                if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
                    return _error(403, "CSRF_FAILED", "The request is missing its CSRF token")
                origin = request.headers.get("origin")
                if origin and origin.rstrip("/") not in self.allowed_origins(request):
                    return _error(403, "CSRF_FAILED", "The request came from another site")
        if not principal.roles:
            return _error(403, "FORBIDDEN", "Your account has no Family Context role")
        allowed, wait = self.limiter.allow(principal.subject)
        if not allowed:
            return _error(429, "RATE_LIMITED", "Too many requests; slow down",
                          {"Retry-After": str(max(1, int(wait + 0.999)))})
        return principal

    def allowed_origins(self, request: Request) -> set[str]:
        own = f"{request.url.scheme}://{request.url.netloc}"
        return {own, self.settings.app_url}


def _is_json_object_or_not_json(text: str, content_type: str) -> bool:
    """False only for a JSON body that parses to something other than an object; what does not parse is left to
    the GraphQL view, which answers it with its own 400."""
    if not content_type.split(";")[0].strip().lower().endswith("json"):
        return True
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return True


class GuardedGraphQL:
    """/graphql behind sign-in: POST needs a principal (bearer, or session + CSRF); GET only serves GraphiQL."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.method in ("GET", "HEAD"):
            await self.app(scope, receive, send)  # the IDE page (development) or 404; queries via GET are off
            return
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await _error(413, "REQUEST_TOO_LARGE", "The request is too large")(scope, receive, send)
            return
        result = await self.authenticator.authenticate(request, require_csrf=True)
        if isinstance(result, Response):
            await result(scope, receive, send)
            return
        # Read the body once (bounded, also when chunked), refuse what is not UTF-8, then replay it to GraphQL.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                await _error(413, "REQUEST_TOO_LARGE", "The request is too large")(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            await _error(400, "BAD_REQUEST", "The request body must be UTF-8 JSON")(scope, receive, send)
            return
        if not _is_json_object_or_not_json(text, request.headers.get("content-type", "")):
            # Strawberry expects an object; `0`, `[]` or `"x"` would otherwise fail inside the view (a 500), and a
            # list would be a batch, which is off.
            await _error(400, "BAD_REQUEST", "The request body must be a JSON object with a query")(scope, receive,
                                                                                                   send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        scope.setdefault("state", {})["principal"] = result
        await self.app(scope, replay, send)


class SecurityHeaders:
    """Request id on every request (X-Request-ID, kept from the client when well formed) and the security
    headers on every response: a strict CSP (no inline script), no framing, no sniffing, no referrer, HSTS in
    production, and no caching of API answers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.csp = CSP.format(issuer=settings.issuer if not settings.production else settings.issuer)
        self.production = settings.production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        REQUEST_ID.set(request_id)
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                graphiql = path == "/graphql" and content_type.startswith(b"text/html") and not self.production
                extra = {
                    b"content-security-policy": (CSP_GRAPHIQL if graphiql else self.csp).encode(),
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"no-referrer",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), payment=()",
                    b"cross-origin-opener-policy": b"same-origin",
                    b"cross-origin-resource-policy": b"same-origin",
                    b"x-request-id": request_id.encode(),
                }
                if self.production:
                    extra[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
                if path in ("/graphql", "/session", "/session/purpose", "/callback", "/login", "/logout", "/"):
                    extra[b"cache-control"] = b"no-store"
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra.items() if k not in present or k == b"cache-control"]
                headers = _dedupe_cache_control(headers)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _dedupe_cache_control(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    cache = [h for h in headers if h[0].lower() == b"cache-control"]
    if len(cache) <= 1:
        return headers
    others = [h for h in headers if h[0].lower() != b"cache-control"]
    return others + [(b"cache-control", b"no-store")]


# --- browser sign-in ---------------------------------------------------------------------------------------------

def _safe_next(value: str | None) -> str:
    """Only a local path (no scheme, no host, no `//`) may be a post-sign-in destination: no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def web_routes(settings: Settings, authenticator: Authenticator) -> list[tuple[str, Callable[..., Awaitable[Response]],
                                                                                  list[str]]]:
    oauth = OAuth()
    oauth.register(
        "idp",
        client_id=settings.oidc_client_id,
        client_secret=settings.web_client_secret,
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email roles", "code_challenge_method": "S256"},
    )

    async def login(request: Request) -> Response:
        request.session["next"] = _safe_next(request.query_params.get("next"))
        try:
            return await oauth.idp.authorize_redirect(request, f"{settings.app_url}/callback")
        except Exception as exc:  # the identity provider is unreachable or misconfigured
            log.error("sign-in: the identity provider cannot be reached (%s)", type(exc).__name__)
            return HTMLResponse(_page("Sign-in is not available",
                                      "The identity provider cannot be reached. Try again in a minute."), 503)

    async def callback(request: Request) -> Response:
        try:
            token = await oauth.idp.authorize_access_token(request)
            claims = await authenticator.validator.validate(token["access_token"])
        except (OAuthError, InvalidToken, KeyError) as exc:
            reason = _failure_reason(exc)
            log.info("request %s: sign-in refused (%s)", request.state.request_id, reason)
            await _audit_failed_sign_in(request, reason)
            return HTMLResponse(_page("Sign-in failed", 'Sign-in did not complete. <a href="/login">Try again</a>.'),
                                400)
        principal = principal_from_claims(claims, settings, via="session")
        try:
            await _audit_sign_in(request, principal)
        except AuditWriteError:
            # No session without its audit row: a sign-in that is not recorded is not allowed to happen.
            log.error("request %s: sign-in refused, the audit trail cannot be written", request.state.request_id)
            return HTMLResponse(_page("Sign-in is not available",
                                      "Sign-in cannot be recorded at the moment. Try again in a minute."), 503)
        destination = _safe_next(request.session.get("next"))
        request.session.clear()  # a fresh session (and CSRF token) for the signed-in user: no session fixation
        request.session.update({
            "user": principal.as_session(),
            "csrf": secrets.token_urlsafe(32),
            "expires_at": int(time.time()) + settings.session_max_age,
            "purposes": {},
        })
        return RedirectResponse(destination, status_code=303)

    async def logout(request: Request) -> Response:
        request.session.clear()
        return HTMLResponse(_page("You have signed out", 'You have signed out of Family Context. '
                                                         '<a href="/login">Sign in again</a>.'))

    async def session(request: Request) -> Response:
        principal = authenticator.session_principal(request)
        if principal is None:
            return JSONResponse({"signedIn": False, "loginUrl": "/login"}, status_code=401)
        return JSONResponse({
            "signedIn": True,
            "user": {"name": principal.name, "roles": sorted(principal.roles), "team": principal.team},
            "csrfToken": request.session["csrf"],
            "expiresAt": request.session["expires_at"],
            "purposes": {code: label for code, label in PURPOSES.items()},
        })

    async def purpose(request: Request) -> Response:
        result = await authenticator.authenticate(request, require_csrf=True)
        if isinstance(result, Response):
            return result
        if result.via != "session":
            return _error(400, "BAD_REQUEST", "Integrators send the purpose in the X-Purpose header")
        try:
            body = json.loads(await request.body())
            person_id, code = str(body["personId"]), str(body["purpose"])
        except (ValueError, KeyError, TypeError):
            return _error(400, "BAD_USER_INPUT", "Send {\"personId\": ..., \"purpose\": ...}")
        if code not in PURPOSES or not _PERSON_ID.match(person_id):
            return _error(400, "BAD_USER_INPUT", f"purpose must be one of {', '.join(PURPOSES)}")
        purposes = dict(request.session.get("purposes") or {})
        purposes.pop(person_id, None)
        purposes[person_id] = code
        while len(purposes) > MAX_PURPOSES_PER_SESSION:
            purposes.pop(next(iter(purposes)))
        request.session["purposes"] = purposes
        return Response(status_code=204)

    return [("/login", login, ["GET"]), ("/callback", callback, ["GET"]), ("/logout", logout, ["GET"]),
            ("/session", session, ["GET"]), ("/session/purpose", purpose, ["POST"])]


async def _audit_sign_in(request: Request, principal: Principal) -> None:
    """One `sign_in` event per completed browser sign-in (usage reports count them): who, roles, team, when and
    the request id, never a token or claim beyond those. An account with no Family Context role is recorded as
    `no_role` (it gets a session but every query is refused), so it is not counted as a sign-in to the service."""
    store = getattr(request.app.state, "audit", None)
    if store is None:  # an app without an audit store (never the served app: its lifespan opens one)
        return
    event = AuditEvent("sign_in", "ok" if principal.roles else "no_role", request_id=request.state.request_id,
                       actor=principal.subject, roles=principal.roles, actor_name=principal.name,
                       client_id=principal.client_id, team=principal.team, via="session", operation="sign_in",
                       purpose=NOT_GIVEN)
    await anyio.to_thread.run_sync(store.append, [event])


#: Why a browser sign-in failed, as the audit records it. The callback's query string is the browser's to write, so
#: only these fixed codes are ever stored or logged, never text taken from the request.
FAILURE_REASONS = frozenset({
    # the identity provider's or authlib's OAuth error codes
    "access_denied", "mismatching_state", "missing_code", "invalid_grant", "invalid_request", "server_error",
    "temporarily_unavailable",
    # the token validator's (family_context/auth/tokens.py, joserfc's claim errors)
    "malformed", "bad_signature", "unknown_key", "algorithm_not_allowed", "issuer_metadata_mismatch",
    "jwks_unavailable", "expired_token", "invalid_claim", "missing_claim", "invalid_claims",
    "no_access_token",
})


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return "no_access_token"
    code = getattr(exc, "reason", None) or getattr(exc, "error", None)
    return code if code in FAILURE_REASONS else "other"


async def _audit_failed_sign_in(request: Request, reason: str) -> None:
    """A `sign_in` event with outcome `failed` for a browser sign-in that came back and was refused (a forged or
    replayed callback, a token that does not verify, the user cancelling at the identity provider), so IG and
    security reviewers see failed attempts beside successful ones. Nobody is signed in, so the actor is
    `unknown`; the reason is a fixed code (FAILURE_REASONS) in `operation`. Usage reports count only `ok`.
    Passwords typed wrongly never reach this service: the identity provider records those."""
    store = getattr(request.app.state, "audit", None)
    if store is None:
        return
    event = AuditEvent("sign_in", "failed", request_id=request.state.request_id, actor="unknown",
                       roles=frozenset(), via="session", operation=f"sign_in:{reason}", purpose=NOT_GIVEN)
    try:
        await anyio.to_thread.run_sync(store.append, [event])
    except AuditWriteError:  # the user is refused either way; the operator sees the store is failing
        log.error("request %s: a failed sign-in could not be written to the audit trail", request.state.request_id)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} – Family Context</title>'
            '<link rel="stylesheet" href="/vendor/govuk-frontend/dist/govuk/govuk-frontend.min.css"></head>'
            '<body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper">'
            f'<h1 class="govuk-heading-l">{title}</h1><p class="govuk-body">{body}</p></main></div></body></html>')
