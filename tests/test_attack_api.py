"""Attack suite against the running app (the shared live stack): generated and malformed GraphQL for every role,
garbage HTTP bodies, and probes of the operations endpoints. Two properties throughout:

- no 5xx (a 503 would only be Neo4j down, which the fault tests cover) and every GraphQL error carries a code;
- no data outside the caller's permissions: every non-null field in any answer is one the caller's role (and
  scopes) may read according to schema/permissions.py POLICY, walked over the actual response.

Complements the security engineer's tests (tests/test_auth_*.py: JWT attacks, CSRF, limits +1, rate limits;
tests/test_permissions.py: hand-written role x field matrix; tests/test_api_fuzz.py: generated queries as a social
worker) rather than repeating them: here the generated queries and mutations run as every role, in positive and
negative (invalid) mode, and their answers are checked field by field against the declarations.
"""
from __future__ import annotations

import json
import string

import graphql
import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from family_context.auth.principal import Principal
from schema import build_schema
from schema.permissions import rule_for

pytestmark = pytest.mark.integration

SCHEMA = build_schema()
GQL = SCHEMA._schema
SDL = SCHEMA.as_str()
KNOWN_CODES = {"BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED", "GRAPHQL_VALIDATION_FAILED",
               "RATE_LIMITED", "SERVICE_UNAVAILABLE", "CONFLICT", "BAD_REQUEST", "QUERY_TIMEOUT",
               "PERSISTED_QUERY_NOT_FOUND", "OPERATION_NOT_ALLOWED"}
CUSTOM_SCALARS = {"Date": st.dates().map(lambda d: graphql.StringValueNode(value=d.isoformat()))}

# (role, integrator scopes): each caller the suite impersonates, with the principal its answers are checked against.
CALLERS = {
    "social_worker": Principal("user:social.worker", frozenset({"social_worker"}), team="Front Door"),
    "ig_reviewer": Principal("user:ig.reviewer", frozenset({"ig_reviewer"})),
    "data_manager": Principal("user:data.manager", frozenset({"data_manager"})),
    "integrator": Principal("demo-integrator", frozenset({"integrator"}), frozenset({"people:read"}),
                            client_id="demo-integrator"),
}
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])


def _token(live_stack, role: str) -> str:
    return live_stack.token("integrator", "people:read") if role == "integrator" else live_stack.token(role)


def _unwrap(gql_type):
    while isinstance(gql_type, (graphql.GraphQLNonNull, graphql.GraphQLList)):
        gql_type = gql_type.of_type
    return gql_type


def _fields(selection_set, parent, document_fragments):
    """(response key, field node, field definition) for a selection set, through fragments."""
    for node in selection_set.selections if selection_set else ():
        if isinstance(node, graphql.FieldNode):
            if node.name.value.startswith("__"):
                continue
            yield (node.alias or node.name).value, node, parent.fields.get(node.name.value)
        elif isinstance(node, graphql.InlineFragmentNode):
            yield from _fields(node.selection_set, parent, document_fragments)
        elif isinstance(node, graphql.FragmentSpreadNode):
            fragment = document_fragments.get(node.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, parent, document_fragments)


def leaks(data, selection_set, parent, principal: Principal, fragments, path="") -> list[str]:
    """Every path in `data` holding a non-null value of a field the principal may not read."""
    found = []
    if data is None:
        return found
    if isinstance(data, list):
        for i, item in enumerate(data):
            found += leaks(item, selection_set, parent, principal, fragments, f"{path}[{i}]")
        return found
    for key, node, definition in _fields(selection_set, parent, fragments):
        if definition is None or key not in data or data[key] is None:
            continue
        rule = rule_for(parent.name, node.name.value)
        # Conditions on arguments (network depth) are checked by the server; the role/scope part must hold here.
        if not rule.public and not _allowed_ignoring_condition(rule, principal):
            found.append(f"{path}.{key} ({parent.name}.{node.name.value})")
        inner = _unwrap(definition.type)
        if isinstance(inner, graphql.GraphQLObjectType):
            found += leaks(data[key], node.selection_set, inner, principal, fragments, f"{path}.{key}")
    return found


def _allowed_ignoring_condition(rule, principal: Principal) -> bool:
    from dataclasses import replace

    return replace(rule, condition=None).allows(principal)


def check_answer(response: httpx2.Response, document: str, principal: Principal) -> None:
    assert response.status_code < 500, response.text[:500]
    try:
        body = response.json()
    except ValueError:
        pytest.fail(f"not JSON: {response.status_code} {response.text[:200]}")
    for error in body.get("errors") or []:
        assert "Traceback" not in error.get("message", "")
        assert (error.get("extensions") or {}).get("code") in KNOWN_CODES, error
    data = body.get("data")
    if not data:
        return
    parsed = graphql.parse(document)
    fragments = {d.name.value: d for d in parsed.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
    for op in (d for d in parsed.definitions if isinstance(d, graphql.OperationDefinitionNode)):
        root = GQL.mutation_type if op.operation == graphql.OperationType.MUTATION else GQL.query_type
        if root is None:
            continue
        bad = leaks(data, op.selection_set, root, principal, fragments)
        assert not bad, f"{principal.roles} read fields outside its permissions: {bad[:5]}"


def _post(live_stack, document: str, role: str) -> httpx2.Response:
    return httpx2.post(f"{live_stack.base_url}/graphql", json={"query": document},
                      headers={"Authorization": f"Bearer {_token(live_stack, role)}"}, timeout=60)


@pytest.mark.parametrize("role", sorted(CALLERS))
def test_generated_queries_leak_nothing_and_never_fail(live_stack, role):
    @FUZZ
    @given(document=queries(SDL, custom_scalars=CUSTOM_SCALARS))
    def run(document):
        check_answer(_post(live_stack, document, role), document, CALLERS[role])

    run()


@pytest.mark.parametrize("role", ["social_worker", "integrator"])
def test_generated_mutations_leak_nothing_and_never_fail(live_stack, role):
    if GQL.mutation_type is None:
        pytest.skip("the schema has no mutations")

    @FUZZ
    @given(document=mutations(SDL, custom_scalars=CUSTOM_SCALARS))
    def run(document):
        check_answer(_post(live_stack, document, role), document, CALLERS[role])

    run()


def test_generated_invalid_documents_are_refused_with_a_code(live_stack):
    @FUZZ
    @given(document=queries(SDL, mode=Mode.NEGATIVE, custom_scalars=CUSTOM_SCALARS))
    def run(document):
        check_answer(_post(live_stack, document, "social_worker"), document, CALLERS["social_worker"])

    run()


GARBAGE = st.one_of(
    st.binary(max_size=300),
    st.text(alphabet=string.printable + "\x00é✓", max_size=300).map(str.encode),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                 max_leaves=20).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"query": st.text(max_size=200), "variables": st.dictionaries(
        st.text(max_size=8), st.text(max_size=20) | st.integers(), max_size=3)}).map(lambda v: json.dumps(v).encode()),
)


@FUZZ
@given(body=GARBAGE, content_type=st.sampled_from(["application/json", "text/plain", "application/graphql",
                                                    "multipart/form-data; boundary=x", ""]))
def test_garbage_bodies_never_cause_a_server_error(live_stack, body, content_type):
    headers = {"Authorization": f"Bearer {live_stack.token('social_worker')}"}
    if content_type:
        headers["Content-Type"] = content_type
    response = httpx2.post(f"{live_stack.base_url}/graphql", content=body, headers=headers, timeout=60)
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text


@pytest.mark.parametrize("body", [b"0", b"[]", b'"x"', b"null", b"true", b'[{"query": "{ me { name } }"}]'])
def test_a_json_body_that_is_not_an_object_is_a_clear_400(live_stack, body):
    response = httpx2.post(f"{live_stack.base_url}/graphql", content=body, timeout=30,
                          headers={"Authorization": f"Bearer {live_stack.token('social_worker')}",
                                   "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "must be a JSON object" in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_on_graphql_are_refused(live_stack, method):
    response = httpx2.request(method, f"{live_stack.base_url}/graphql", json={"query": "{ me { name } }"},
                             headers={"Authorization": f"Bearer {live_stack.token('social_worker')}"}, timeout=30)
    assert response.status_code == 405


@pytest.mark.parametrize("path", ["/static/../family_context/settings.py", "/static/%2e%2e/%2e%2e/etc/passwd",
                                  "/vendor/../../var/session_secret", "/static//etc/passwd",
                                  "/assets/..%2f..%2f..%2fpyproject.toml"])
def test_no_path_traversal_out_of_the_static_folders(live_stack, path):
    response = httpx2.get(f"{live_stack.base_url}{path}", timeout=30)
    assert response.status_code in (400, 404), (response.status_code, response.text[:200])
    assert "FC_" not in response.text and "root:" not in response.text


def test_a_hostile_request_id_is_replaced_not_echoed(live_stack):
    for value in ("x", "a" * 500, "abc\r\nSet-Cookie: y=1"[:20].replace("\r\n", " "), "<script>alert(1)</script>"):
        response = httpx2.get(f"{live_stack.base_url}/health", headers={"X-Request-ID": value}, timeout=30)
        assert response.headers["x-request-id"] != value
        assert len(response.headers["x-request-id"]) <= 64
    good = "load-test-00000001"
    assert httpx2.get(f"{live_stack.base_url}/health", headers={"X-Request-ID": good},
                     timeout=30).headers["x-request-id"] == good
