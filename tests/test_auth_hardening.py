"""Hardening over HTTP (OWASP GraphQL cheat sheet): depth, alias and token limits at the limit and one over,
page-size caps, no batching, no queries over GET, introspection and GraphiQL on in development and off in
production, persisted documents for browser sessions, per-user rate limit, Cypher timeout with a masked error,
and the dev IdP refusing production."""
from __future__ import annotations

import dataclasses

import httpx2
import pytest

from family_context.neo4j_server import free_port
from schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.conftest import serve_app

pytestmark = pytest.mark.integration


REAL_PATH = ['person(id: "x")', "services", "involvements", "leadPractitioner"]


def _nested(depth: int) -> str:
    """A document `depth` deep as the limiter counts it (fields with a selection set; the leaf does not count):
    real fields first, then made-up ones (the limit is checked whether or not they exist)."""
    names = (REAL_PATH + [f"f{i}" for i in range(depth)])[:depth]
    inner = "leaf"
    for name in reversed(names):
        inner = f"{name} {{ {inner} }}"
    return "{ " + inner + " }"


def _messages(body: dict) -> list[str]:
    return [e["message"] for e in body.get("errors") or []]


def test_depth_limit_and_one_over(live_stack):
    at_limit = _messages(live_stack.graphql(_nested(MAX_DEPTH)))
    over = _messages(live_stack.graphql(_nested(MAX_DEPTH + 1)))
    assert not any("exceeds maximum operation depth" in m for m in at_limit)
    assert any("exceeds maximum operation depth" in m for m in over)


def test_alias_limit_and_one_over(live_stack):
    ok = live_stack.graphql("{ " + " ".join(f"a{i}: me {{ name }}" for i in range(MAX_ALIASES)) + " }")
    assert "errors" not in ok, ok
    over = live_stack.graphql("{ " + " ".join(f"a{i}: me {{ name }}" for i in range(MAX_ALIASES + 1)) + " }")
    assert any("aliases" in m for m in _messages(over)) and over.get("data") is None


def _tokens(values: int) -> str:
    """`{ peopleOfConcern(personId: "x", types: [ASB ...]) { __typename } }`: 15 tokens plus one per list value."""
    return '{ peopleOfConcern(personId: "x", types: [' + "ASB " * values + "]) { __typename } }"


def test_token_limit_and_one_over(live_stack):
    ok = live_stack.graphql(_tokens(MAX_TOKENS - 15), role="massh_analyst")
    assert not any("tokens" in m for m in _messages(ok)), _messages(ok)[:1]
    over = live_stack.graphql(_tokens(MAX_TOKENS - 14), role="massh_analyst")
    assert over.get("data") is None and any("more than" in m and "tokens" in m for m in _messages(over))


def test_page_sizes_are_capped(live_stack):
    over = live_stack.graphql("{ people(first: 101) { pageInfo { hasNextPage } } }", role="integrator")
    assert over["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    audit = live_stack.graphql("{ auditEvents(first: 201) { nextAfter } }", role="ig_reviewer")
    assert audit["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    many = live_stack.graphql('{ searchPeople(name: "a", first: 100000) { edges { node { id } } } }')
    assert many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_batching_is_off(live_stack):
    response = httpx2.post(f"{live_stack.base_url}/graphql", json=[{"query": "{ me { name } }"}] * 2,
                          headers={"Authorization": f"Bearer {live_stack.token()}"}, timeout=10)
    assert response.status_code == 400


def test_no_queries_over_get(live_stack):
    response = httpx2.get(f"{live_stack.base_url}/graphql", params={"query": "{ me { name } }"},
                         headers={"Accept": "application/json", "Authorization": f"Bearer {live_stack.token()}"},
                         timeout=10)
    assert response.status_code != 200 or "data" not in response.text


def test_oversized_body_is_refused(live_stack):
    response = live_stack.post("{ me { name } }", {"pad": "x" * 70_000})
    assert response.status_code == 413


def test_introspection_and_graphiql_are_on_in_development(live_stack):
    body = live_stack.graphql("{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    page = httpx2.get(f"{live_stack.base_url}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_errors_carry_a_code_and_no_stack_trace(live_stack):
    body = live_stack.graphql("{ person(id: 5) { nope } }")
    for error in body["errors"]:
        assert error["extensions"]["code"] and "Traceback" not in str(error) and "File \"" not in str(error)
    parse = live_stack.graphql("{ person(id: ")
    assert parse["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.fixture
def variant(live_stack):
    """Serve the real app again with changed settings (same Neo4j, same dev IdP) on a fresh port."""
    started = []

    def make(**changes):
        settings = dataclasses.replace(live_stack.settings, port=free_port(), **changes)
        context = serve_app(settings)
        base_url = context.__enter__()
        started.append(context)
        return settings, base_url

    yield make
    for context in started:
        context.__exit__(None, None, None)


def test_per_user_rate_limit(live_stack, variant):
    _, base_url = variant(rate_limit_per_minute=5)
    headers = {"Authorization": f"Bearer {live_stack.token()}"}
    codes = [httpx2.post(f"{base_url}/graphql", json={"query": "{ me { name } }"}, headers=headers,
                        timeout=10).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    limited = httpx2.post(f"{base_url}/graphql", json={"query": "{ me { name } }"}, headers=headers, timeout=10)
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED" and int(limited.headers["retry-after"]) >= 1
    other = httpx2.post(f"{base_url}/graphql", json={"query": "{ me { name } }"}, timeout=10,
                       headers={"Authorization": f"Bearer {live_stack.token('massh_analyst')}"})
    assert other.status_code == 200, "the limit is per user"


def test_unexpected_failures_are_masked_with_a_code(live_stack, variant, demo_child):
    _, base_url = variant(neo4j_user="nobody")  # every read fails inside the resolver with the database's AuthError
    response = httpx2.post(f"{base_url}/graphql", timeout=60, headers={"Authorization": f"Bearer {live_stack.token()}"},
                          json={"query": "query($id: ID!) { person(id: $id) { displayName } }",
                                "variables": {"id": demo_child["person_id"]}})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR", error
    assert error["message"] == "Something went wrong; the error has been recorded with the request id"
    assert "Traceback" not in str(error) and "nobody" not in str(error) and error["extensions"]["requestId"]


def test_cypher_timeout_is_enforced_and_reported_as_a_code(live_stack):
    """Every API read carries the configured timeout (resolvers.graph_reader.GraphReader); Neo4j stops a query
    that runs past it, and the error reaches the client as QUERY_TIMEOUT without the database's text."""
    from graphql import GraphQLError
    from neo4j import GraphDatabase, Query
    from neo4j.exceptions import Neo4jError

    from schema.security import _code_for

    s = live_stack.settings
    with GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password)) as driver:
        with pytest.raises(Neo4jError) as caught:
            driver.execute_query(Query("UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x)",
                                       timeout=0.5, metadata={"request_id": "timeout-test"}))
    code, message = _code_for(GraphQLError("x", original_error=caught.value))
    assert code == "QUERY_TIMEOUT" and "Neo" not in message
    assert live_stack.settings.cypher_timeout > 0


def test_production_turns_off_introspection_graphiql_and_requires_persisted_documents(live_stack, variant,
                                                                                      monkeypatch):
    from tests.test_auth_web import browser_sign_in, csrf

    monkeypatch.setenv("FC_SESSION_SECRET", "a-test-secret-of-reasonable-length-0123456789")
    settings, base_url = variant(mode="production", oidc_issuer=live_stack.settings.issuer,
                                 oidc_client_secret=live_stack.settings.web_client_secret,
                                 persisted_documents_only=True)
    headers = {"Authorization": f"Bearer {live_stack.token()}"}
    intro = httpx2.post(f"{base_url}/graphql", json={"query": "{ __schema { queryType { name } } }"},
                       headers=headers, timeout=10).json()
    assert intro.get("data") is None and intro["errors"]
    assert httpx2.get(f"{base_url}/graphql", headers={"Accept": "text/html"}, timeout=10).status_code != 200
    assert "strict-transport-security" in httpx2.get(f"{base_url}/health", timeout=10).headers

    # A browser session may only send the web client's own documents; bearer clients may send any query.
    live_stack.idp.app.config["IDP_CLIENTS"][settings.oidc_client_id].redirect_uris.append(f"{base_url}/callback")
    browser = browser_sign_in(dataclasses.replace(live_stack, base_url=base_url, settings=settings))
    token = csrf(browser)
    adhoc = browser.post("/graphql", json={"query": "{ me { name } }"}, headers={"X-CSRF-Token": token}).json()
    assert adhoc["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    from schema.security import _DOCUMENT
    from family_context.app import WEB_CLIENT

    search = next(m.group(1) for m in _DOCUMENT.finditer((WEB_CLIENT / "static" / "graphql.js").read_text())
                  if "searchPeople" in m.group(1))
    shipped = browser.post("/graphql", json={"query": search, "variables": {"name": "smith"}},
                           headers={"X-CSRF-Token": token}).json()
    assert "errors" not in shipped, shipped


def test_dev_idp_refuses_production(live_stack):
    from family_context.dev_idp import DevIdPRefused, start_dev_idp

    with pytest.raises(DevIdPRefused):
        start_dev_idp(dataclasses.replace(live_stack.settings, mode="production", dev_idp_port=free_port()))


def test_production_needs_a_real_issuer(live_stack):
    from family_context.app import create_app

    with pytest.raises(RuntimeError, match="FC_OIDC_ISSUER"):
        create_app(dataclasses.replace(live_stack.settings, mode="production", oidc_issuer=""))
