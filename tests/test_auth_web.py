"""Browser sign-in over real HTTP: OIDC authorization code + PKCE with the dev IdP, the session cookie, CSRF on
cookie-authenticated GraphQL, the purpose of access, sign-out, and the security headers."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx2
import pytest

from family_context.dev_idp import DEMO_USERS

pytestmark = pytest.mark.integration

ME = "{ me { name roles team } }"


def browser_sign_in(live_stack, username: str = "social.worker", next_path: str = "/") -> httpx2.Client:
    """What a browser does: / -> /login -> the IdP's form -> /callback -> back where it started."""
    client = httpx2.Client(base_url=live_stack.base_url, timeout=30)
    first = client.get(next_path if next_path == "/" else f"/login?next={next_path}")
    assert first.status_code in (302, 303, 307), first.text
    response = client.get(first.headers["location"]) if first.headers["location"].startswith("/login") else first
    assert response.status_code == 302, response.text
    authorize = response.headers["location"]
    assert authorize.startswith(live_stack.settings.issuer + "/authorize")
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    form = httpx2.get(authorize, timeout=10)
    assert form.status_code == 200 and "Username" in form.text
    posted = httpx2.post(authorize, data={"username": username, "password": DEMO_USERS[username].password},
                        timeout=10)
    assert posted.status_code == 302, posted.text
    callback = posted.headers["location"]
    assert callback.startswith(f"{live_stack.base_url}/callback?")
    done = client.get(callback)
    assert done.status_code == 303, done.text
    client.last_redirect = done.headers["location"]  # type: ignore[attr-defined]
    client.set_cookie_header = done.headers.get("set-cookie", "")  # type: ignore[attr-defined]
    return client


def csrf(client: httpx2.Client) -> str:
    response = client.get("/session")
    assert response.status_code == 200
    return response.json()["csrfToken"]


def test_sign_in_sets_a_safe_session_cookie(live_stack):
    client = browser_sign_in(live_stack)
    assert client.last_redirect == "/"
    cookie = client.set_cookie_header.lower()
    assert cookie.startswith("fc_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie
    assert "secure" not in cookie  # plain http on loopback in development; https_only when the URL is https
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text
    session = client.get("/session").json()
    assert session["signedIn"] and session["user"]["roles"] == ["social_worker"]
    assert len(session["csrfToken"]) >= 32


def test_signed_out_browser_is_sent_to_sign_in(live_stack):
    response = httpx2.get(f"{live_stack.base_url}/", timeout=10)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert httpx2.get(f"{live_stack.base_url}/session", timeout=10).status_code == 401


def test_cookie_graphql_needs_the_csrf_header(live_stack):
    client = browser_sign_in(live_stack)
    no_header = client.post("/graphql", json={"query": ME})
    assert no_header.status_code == 403
    assert no_header.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    wrong = client.post("/graphql", json={"query": ME}, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    token = csrf(client)
    other_site = client.post("/graphql", json={"query": ME},
                             headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})
    assert other_site.status_code == 403
    ok = client.post("/graphql", json={"query": ME},
                     headers={"X-CSRF-Token": token, "Origin": live_stack.base_url})
    assert ok.status_code == 200, ok.text
    assert ok.json()["data"]["me"]["roles"] == ["social_worker"]


def test_each_sign_in_gets_a_new_csrf_token(live_stack):
    assert csrf(browser_sign_in(live_stack)) != csrf(browser_sign_in(live_stack))


def test_sign_out_ends_the_session(live_stack):
    client = browser_sign_in(live_stack)
    token = csrf(client)
    assert client.get("/logout").status_code == 200
    after = client.post("/graphql", json={"query": ME}, headers={"X-CSRF-Token": token})
    assert after.status_code == 401


def test_no_open_redirect_after_sign_in(live_stack):
    client = browser_sign_in(live_stack, next_path="//evil.example/")
    assert client.last_redirect == "/"


def test_forged_session_cookie_is_refused(live_stack):
    client = httpx2.Client(base_url=live_stack.base_url, timeout=10)
    client.cookies.set("fc_session", "eyJ1c2VyIjogeyJzdWIiOiAieCIsICJyb2xlcyI6IFsiaWdfcmV2aWV3ZXIiXX19.forged")
    assert client.post("/graphql", json={"query": ME}, headers={"X-CSRF-Token": "x"}).status_code == 401


def test_wrong_password_is_refused_by_the_idp(live_stack):
    client = httpx2.Client(base_url=live_stack.base_url, timeout=10)
    authorize = client.get("/login").headers["location"]
    refused = httpx2.post(authorize, data={"username": "social.worker", "password": "guess"}, timeout=10)
    assert refused.status_code == 401 and "location" not in refused.headers


def test_security_headers_and_strict_csp(live_stack):
    for path in ("/login", "/health", "/static/app.js"):
        response = httpx2.get(f"{live_stack.base_url}{path}", timeout=10)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    api = live_stack.post(ME)
    assert api.headers["cache-control"] == "no-store"


def test_the_web_page_has_no_inline_script(live_stack):
    client = browser_sign_in(live_stack)
    html = client.get("/").text
    for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in match.group(1) and not match.group(2).strip(), "inline script would break the CSP"
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers would break the CSP"
