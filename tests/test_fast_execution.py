"""The plain-object executor (schema/fast_execution.py) answers exactly as graphql-core's own execution does:
same data, same errors, same audit events, for each caller -- against the real Neo4j, on the web client's
documents, hand-written edge cases and generated queries."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries
from neo4j import AsyncGraphDatabase

from family_context.audit import AuditCollector
from family_context.auth.principal import Principal
from resolvers.graph_reader import GraphReader
from schema import build_schema
from tests.test_attack_api import CALLERS, CUSTOM_SCALARS, SDL
from tests.test_link_reasons import web_client_person_query

pytestmark = pytest.mark.integration

ANALYST = Principal("user:analyst", frozenset({"massh_analyst"}), team="MASSH")
# Narrow integrators: records and identity but no services, or services but no contacts. Their person pages mix
# allowed and refused fields, so the plain path must hand the refused objects back to graphql-core.
IDENTITY_ONLY = Principal("client-a", frozenset({"integrator"}), frozenset({"people:read"}), client_id="client-a")
NO_CONTACTS = Principal("client-b", frozenset({"integrator"}), frozenset({"people:read", "services:read",
                                                                           "family:read"}), client_id="client-b")
PRINCIPALS = {"analyst": ANALYST, "identity_only": IDENTITY_ONLY, "no_contacts": NO_CONTACTS, **CALLERS}

EDGE_CASES = [
    # __typename, aliases, a fragment and an inline fragment, the same field twice
    """query($id: ID!) { person(id: $id) { __typename id first: displayName ...Names
         services { __typename key ... on Service { name involvements { kind kind } } } } }
       fragment Names on Person { firstName lastName addresses { line } }""",
    # @skip / @include driven by variables: the plan must follow the variables, not a previous request's
    """query($id: ID!, $yes: Boolean!, $no: Boolean!) { person(id: $id) {
         id records @include(if: $yes) { source recordId } addresses @skip(if: $yes) { line }
         relationships @include(if: $no) { type } contactNumbers { number @skip(if: $no) source } } }""",
    # two roots reading the same person, and a network next to it
    """query($id: ID!) { a: person(id: $id) { id caseIds } b: person(id: $id) { id services { status } }
         network(personId: $id, depth: 1) { nodes { id kind label services } edges { source target type } } }""",
]


def _events(collector: AuditCollector) -> list[tuple[Any, ...]]:
    return sorted((e.event, e.outcome, e.operation, tuple(sorted(e.whom)), tuple(sorted(e.fields)))
                  for e in collector.events())


def _errors(result: Any) -> list[tuple[Any, ...]]:
    return sorted((e.message, tuple(e.path or ()), (e.extensions or {}).get("code")) for e in result.errors or [])


class Both:
    """Runs a document through the plain-object schema and through graphql-core alone, on the real graph."""

    def __init__(self, settings_: Any) -> None:
        self.settings = settings_
        self.fast, self.standard = build_schema(), build_schema(plain_objects=False)
        self.loop = asyncio.new_event_loop()
        self.driver = AsyncGraphDatabase.driver(settings_.neo4j_uri,
                                                auth=(settings_.neo4j_user, settings_.neo4j_password))

    async def _run(self, schema: Any, document: str, variables: dict, principal: Principal) -> tuple:
        audit = AuditCollector(principal, "req-compare")
        context = {"graph": GraphReader(self.driver, request_id="req-compare"), "principal": principal,
                   "audit": audit, "request_id": "req-compare"}
        result = await schema.execute(document, variable_values=variables, context_value=context)
        return result, audit

    def compare(self, document: str, variables: dict, principal: Principal) -> Any:
        fast, fast_audit = self.loop.run_until_complete(self._run(self.fast, document, variables, principal))
        standard, standard_audit = self.loop.run_until_complete(
            self._run(self.standard, document, variables, principal))
        assert fast.data == standard.data
        assert _errors(fast) == _errors(standard)
        assert _events(fast_audit) == _events(standard_audit)
        return fast

    def close(self) -> None:
        self.loop.run_until_complete(self.driver.close())
        self.loop.close()


@pytest.fixture(scope="module")
def both(loaded_graph):
    runner = Both(loaded_graph)
    yield runner
    runner.close()


@pytest.mark.parametrize("who", sorted(PRINCIPALS))
def test_the_person_page_is_the_same_both_ways_for_every_caller(both, demo_child, who):
    result = both.compare(web_client_person_query(), {"id": demo_child["person_id"]}, PRINCIPALS[who])
    if who in ("analyst", "social_worker"):
        assert not result.errors and len(result.data["person"]["records"]) >= 1
    if who == "identity_only":  # refused fields come back as FORBIDDEN errors, through graphql-core
        assert {code for _, _, code in _errors(result)} == {"FORBIDDEN"}


@pytest.mark.parametrize("document", EDGE_CASES, ids=["fragments-typename", "skip-include", "two-roots"])
@pytest.mark.parametrize("flags", [(True, False), (False, True)], ids=["yes", "no"])
def test_edge_cases_are_the_same_both_ways(both, demo_child, document, flags):
    variables = {"id": demo_child["person_id"]}
    if "$yes" in document:
        variables.update(yes=flags[0], no=flags[1])
    for who in ("analyst", "identity_only"):
        both.compare(document, variables, PRINCIPALS[who])


def test_a_search_and_the_family_network_are_the_same_both_ways(both, demo_child):
    search = both.compare("""query($n: String!) { searchPeople(name: $n) { edges { cursor node { id displayName dob
        age caseIds currentAddress sources } } pageInfo { hasNextPage endCursor } } }""",
                          {"n": f"{demo_child['first_name']} {demo_child['last_name']}"}, ANALYST)
    assert demo_child["person_id"] in {edge["node"]["id"] for edge in search.data["searchPeople"]["edges"]}
    network = both.compare("""query($id: ID!) { network(personId: $id, depth: 2) { truncated
        nodes { id kind label age services } edges { source target type kind } } }""",
                           {"id": demo_child["person_id"]}, ANALYST)
    assert len(network.data["network"]["nodes"]) > 1


@pytest.mark.parametrize("role", ["social_worker", "integrator"])
def test_generated_queries_are_the_same_both_ways(both, role):
    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(document=queries(SDL, custom_scalars=CUSTOM_SCALARS))
    def run(document):
        both.compare(document, {}, CALLERS[role])

    run()
