"""Field permissions: every field declared (deny by default), the declarations in the SDL and the matrix, every
role x field allowed or denied over HTTP (generated from the live matrix, not hand-listed), and object-level
checks through every path to a person (IDOR through node ids and traversals)."""
from __future__ import annotations

import re
from datetime import date, timedelta
import time
from typing import Any

import pytest

from family_context.auth.principal import Principal
from family_context.dev_idp.keys import mint
from schema import build_schema
from schema.permissions import POLICY, rule_for

ROLES = ("social_worker", "team_manager", "massh_analyst", "ig_reviewer", "data_manager", "integrator")
DENIED = re.compile(r"Your role may not read (\w+)\.(\w+)")


# --- declarations (no server needed) ----------------------------------------------------------------------------

def _live_fields() -> list[tuple[str, str]]:
    from schema.permissions import matrix

    return [(r["type_name"], r["field_name"]) for r in matrix(build_schema()._schema)]


def test_every_field_of_the_live_schema_has_a_declaration():
    undeclared = [f"{t}.{f}" for t, f in _live_fields() if f not in POLICY.get(t, {})]
    assert not undeclared, f"declare these in schema/permissions.py POLICY (they are refused to everyone): {undeclared}"


def test_no_stale_declarations():
    live = set(_live_fields())
    stale = [f"{t}.{f}" for t, fields in POLICY.items() for f in fields if (t, f) not in live]
    assert not stale, stale


def test_the_sdl_shows_each_personal_data_declaration():
    sdl = build_schema().as_str()
    assert "directive @requiresRole(roles: [String!]!, scopes: [String!]!, purpose: String!)" in sdl
    for type_name, field_name in _live_fields():
        block = re.search(rf"\ntype {type_name} .*?\n}}|\ntype {type_name}\s*{{.*?\n}}", sdl, re.S)
        assert block, type_name
        line = next(l for l in block.group(0).splitlines() if re.match(rf"\s+{field_name}\b", l))
        assert "@requiresRole(" in line, f"{type_name}.{field_name} has no directive in the SDL"


def test_ig_and_data_roles_cannot_read_family_services_or_contacts():
    ig = Principal("u", frozenset({"ig_reviewer"}))
    data = Principal("u", frozenset({"data_manager"}))
    for type_name, field_name in _live_fields():
        rule = rule_for(type_name, field_name)
        # IG reviewers read the audit trail and usage counts: neither holds personal data.
        if (not rule.public and type_name not in ("AuditEvent", "AuditEventPage") and field_name != "auditEvents"
                and rule.name != "usage"):
            assert not rule.allows(ig), f"an IG reviewer must not read {type_name}.{field_name}"
        if rule.name in ("services", "family", "contacts", "analysis"):
            assert not rule.allows(data), f"a data manager must not read {type_name}.{field_name}"


# --- over HTTP --------------------------------------------------------------------------------------------------

def _principals(live_stack) -> dict[str, tuple[Principal, str]]:
    """Who to test as: each role from the IdP, and integrators with no scope and with every scope (minted with
    the dev IdP's key, as the IdP would sign them)."""
    s = live_stack.settings
    out = {role: (Principal("x", frozenset({role}), frozenset({"people:read", "services:read"})
                            if role == "integrator" else frozenset()), live_stack.token(role)) for role in ROLES}
    out["integrator[people:read]"] = (Principal("x", frozenset({"integrator"}), frozenset({"people:read"})),
                                      live_stack.token("integrator", scope="people:read"))
    every = "people:read services:read family:read contacts:read"
    out["integrator[all scopes]"] = (
        Principal("x", frozenset({"integrator"}), frozenset(every.split())),
        mint(s, {"sub": "demo-integrator", "client_id": "demo-integrator", "roles": ["integrator"], "scope": every}))
    out["integrator[no scope]"] = (
        Principal("x", frozenset({"integrator"})),
        mint(s, {"sub": "demo-integrator", "client_id": "demo-integrator", "roles": ["integrator"], "scope": ""}))
    return out


@pytest.fixture(scope="module")
def subject(live_stack, demo_child) -> dict[str, str]:
    body = live_stack.graphql("query($id: ID!) { person(id: $id) { currentAddress { id } } }",
                              {"id": demo_child["person_id"]}, role="social_worker")
    # A resolved problem report with a link decision, so the reporting types have data to test.
    report = live_stack.graphql('mutation($id: ID!) { reportProblem(personId: $id, sourceName: "lcs", '
                                'category: "wrong_person") { id } }', {"id": demo_child["person_id"]},
                                role="social_worker")
    assert not report.get("errors"), report["errors"]
    parent_case = f'lcs:{demo_child["parents"][0]["lcs_id"]}'
    resolved = live_stack.graphql(
        'mutation($id: ID!, $a: String!, $b: String!) { resolveProblemReport(id: $id, outcome: "records_unlinked", '
        'records: {recordA: $a, recordB: $b}) { id } }',
        {"id": report["data"]["reportProblem"]["id"], "a": f'lcs:{demo_child["lcs_id"]}', "b": parent_case},
        role="data_manager")
    assert not resolved.get("errors"), resolved["errors"]
    # A decided pair in the match review queue, so its types (the decision too) have data to test.
    pending = live_stack.graphql("{ matchReviewQueue(first: 1) { pairs { recordA { source recordId } "
                                 "recordB { source recordId } } } }", role="data_manager")
    assert not pending.get("errors") and pending["data"]["matchReviewQueue"]["pairs"], pending
    pair = pending["data"]["matchReviewQueue"]["pairs"][0]
    decided = live_stack.graphql(
        "mutation($a: String!, $b: String!) { decideMatch(recordA: $a, recordB: $b, decision: SAME) { id } }",
        {"a": f'{pair["recordA"]["source"]}:{pair["recordA"]["recordId"]}',
         "b": f'{pair["recordB"]["source"]}:{pair["recordB"]["recordId"]}'}, role="data_manager")
    assert not decided.get("errors"), decided["errors"]
    return {"person": demo_child["person_id"], "case": demo_child["lcs_id"],
            "address": body["data"]["person"]["currentAddress"]["id"],
            "parent": demo_child["parents"][0]["person_id"]}


def _carriers(s: dict[str, str]) -> dict[str, tuple[list[tuple[str, str, str]], str]]:
    """For each type: the chain of (type, field, text) from the root that reaches it, and a role that can."""
    p = f'"{s["person"]}"'
    person = [("Query", "person", f"person(id: {p})")]
    services = person + [("Person", "services", "services")]
    involvements = services + [("Service", "involvements", "involvements")]
    team = [("Query", "teamAroundChild", f"teamAroundChild(personId: {p})")]
    network = [("Query", "network", f"network(personId: {p}, depth: 1)")]
    export = [("Query", "people", "people(first: 2)")]
    search = [("Query", "searchPeople", f'searchPeople(caseId: "{s["case"]}")')]
    shared = [("Query", "sharedAddresses", f"sharedAddresses(personId: {p})")]
    concern = [("Query", "peopleOfConcern", f"peopleOfConcern(personId: {p}, depth: 3, minAge: 0)")]
    audit = [("Query", "auditEvents", "auditEvents(first: 1)")]
    usage = [("Query", "usageReport", "usageReport" + ROOT_CALLS["usageReport"])]
    queue = [("Query", "problemReportQueue", "problemReportQueue")]
    review = [("Query", "matchReviewQueue", "matchReviewQueue(status: ALL, first: 5)")]
    decided = [("Query", "matchReviewQueue", "matchReviewQueue(status: DECIDED, first: 5)")]
    residents = [("Query", "peopleAtAddress", f'peopleAtAddress(addressId: "{s["address"]}")')]
    pairs = [("MatchReviewPage", "pairs", "pairs")]
    return {
        "Query": ([], "social_worker"),
        "Person": (person, "social_worker"),
        "PersonSearchConnection": (search, "social_worker"),
        "PersonSearchEdge": (search + [("PersonSearchConnection", "edges", "edges")], "social_worker"),
        "PersonHit": (search + [("PersonSearchConnection", "edges", "edges"), ("PersonSearchEdge", "node", "node")],
                      "social_worker"),
        "Address": (person + [("Person", "addresses", "addresses")], "social_worker"),
        "SourceRecord": (person + [("Person", "records", "records")], "social_worker"),
        "LinkReason": (person + [("Person", "records", "records"), ("SourceRecord", "linkReasons", "linkReasons")],
                       "social_worker"),
        "LinkComparison": (person + [("Person", "records", "records"), ("SourceRecord", "linkReasons", "linkReasons"),
                                     ("LinkReason", "comparisons", "comparisons")], "social_worker"),
        "Service": (services, "social_worker"),
        "Involvement": (involvements, "social_worker"),
        "Practitioner": (involvements + [("Involvement", "leadPractitioner", "leadPractitioner")], "social_worker"),
        "Detail": (involvements + [("Involvement", "details", "details")], "social_worker"),
        "Relationship": (person + [("Person", "relationships", "relationships")], "social_worker"),
        "ContactNumber": (person + [("Person", "contactNumbers", "contactNumbers")], "social_worker"),
        "TeamMember": (team, "social_worker"),
        "TeamReason": (team + [("TeamMember", "reasons", "reasons")], "social_worker"),
        "Network": (network, "social_worker"),
        "NetworkNode": (network + [("Network", "nodes", "nodes")], "social_worker"),
        "NetworkEdge": (network + [("Network", "edges", "edges")], "social_worker"),
        "ResidentConnection": (residents, "massh_analyst"),
        "ResidentEdge": (residents + [("ResidentConnection", "edges", "edges")], "massh_analyst"),
        "Resident": (residents + [("ResidentConnection", "edges", "edges"), ("ResidentEdge", "node", "node")],
                     "massh_analyst"),
        "SharedAddressConnection": (shared, "massh_analyst"),
        "SharedAddressEdge": (shared + [("SharedAddressConnection", "edges", "edges")], "massh_analyst"),
        "SharedAddress": (shared + [("SharedAddressConnection", "edges", "edges"),
                                    ("SharedAddressEdge", "node", "node")], "massh_analyst"),
        "PersonOfConcernConnection": (concern, "massh_analyst"),
        "PersonOfConcernEdge": (concern + [("PersonOfConcernConnection", "edges", "edges")], "massh_analyst"),
        "PersonOfConcern": (concern + [("PersonOfConcernConnection", "edges", "edges"),
                                       ("PersonOfConcernEdge", "node", "node")], "massh_analyst"),
        "SourceSystem": ([("Query", "sources", "sources")], "ig_reviewer"),
        "PersonHitConnection": (export, "data_manager"),
        "PersonHitEdge": (export + [("PersonHitConnection", "edges", "edges")], "data_manager"),
        "PageInfo": (export + [("PersonHitConnection", "pageInfo", "pageInfo")], "data_manager"),
        "FieldPermission": ([("Query", "permissionMatrix", "permissionMatrix")], "ig_reviewer"),
        "AccessPurpose": ([("Query", "accessPurposes", "accessPurposes")], "social_worker"),
        "Me": ([("Query", "me", "me")], "social_worker"),
        "AuditEventPage": (audit, "ig_reviewer"),
        "AuditEvent": (audit + [("AuditEventPage", "events", "events")], "ig_reviewer"),
        "Choice": ([("Query", "problemCategories", "problemCategories")], "social_worker"),
        "UsageReport": (usage, "data_manager"),
        "UsageFigures": (usage + [("UsageReport", "totals", "totals")], "data_manager"),
        "ProblemReport": (queue, "data_manager"),
        "LinkDecision": (queue + [("ProblemReport", "decision", "decision")], "data_manager"),
        "MatchReviewPage": (review, "data_manager"),
        "MatchReviewPair": (review + pairs, "data_manager"),
        "MatchReviewRecord": (review + pairs + [("MatchReviewPair", "recordA", "recordA")], "data_manager"),
        "MatchComparison": (review + pairs + [("MatchReviewPair", "comparisons", "comparisons")], "data_manager"),
        "MatchDecision": (decided + pairs + [("MatchReviewPair", "decision", "decision")], "data_manager"),
    }


ROOT_CALLS = {  # arguments for root fields tested directly
    "searchPeople": '(caseId: "{case}")', "person": '(id: "{person}")', "teamAroundChild": '(personId: "{person}")',
    "network": '(personId: "{person}")', "paths": '(fromId: "{person}", toId: "{parent}")',
    "peopleAtAddress": '(addressId: "{address}")', "sharedAddresses": '(personId: "{person}")',
    "peopleOfConcern": '(personId: "{person}")', "people": "(first: 1)", "auditEvents": "(first: 1)",
    "usageReport": f'(since: "{date.today() - timedelta(days=300)}", until: "{date.today()}")',
}


def _query_for(type_name: str, fields: list[tuple[str, bool]], chain: list[tuple[str, str, str]],
               subject: dict[str, str]) -> str:
    if type_name == "Query":
        parts = []
        for name, is_object in fields:
            args = ROOT_CALLS.get(name, "").format(**subject)
            parts.append(f"{name}{args}" + (" { __typename }" if is_object else ""))
        return "{ " + " ".join(parts) + " }"
    inner = " ".join(name + (" { __typename }" if is_object else "") for name, is_object in fields)
    for _, _, text in reversed(chain):
        inner = f"{text} {{ {inner} }}"
    return "{ " + inner + " }"


def _object_fields(graphql_schema: Any, type_name: str) -> list[tuple[str, bool]]:
    from graphql import get_named_type, is_leaf_type

    gql_type = graphql_schema.type_map[type_name]
    return [(name, not is_leaf_type(get_named_type(f.type))) for name, f in sorted(gql_type.fields.items())]


def _denied(body: dict) -> set[str]:
    out = set()
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] == "FORBIDDEN", error
        match = DENIED.search(error["message"])
        assert match, error
        out.add(f"{match.group(1)}.{match.group(2)}")
    return out


def test_every_role_and_field_is_allowed_or_denied_as_declared(live_stack, subject):
    graphql_schema = build_schema()._schema
    carriers = _carriers(subject)
    principals = _principals(live_stack)
    # Mutations are not queries: tests/test_attack_api.py and tests/test_ops_api.py call each one per role.
    types = sorted({t for t, _ in _live_fields()} - {"Mutation"})
    missing = [t for t in types if t not in carriers]
    assert not missing, f"add a carrier path for {missing} to this test"
    checked = 0
    for type_name in types:
        chain, reference = carriers[type_name]
        fields = _object_fields(graphql_schema, type_name)
        query = _query_for(type_name, fields, chain, subject)
        # The reference role reaches the type with data there, so a denial below it would be seen.
        ref = live_stack.graphql(query, role=reference)
        assert not chain or not ref.get("errors"), (type_name, ref["errors"][:2])
        node: Any = ref["data"]
        for _, field_name, _ in chain:
            node = node[field_name] if not isinstance(node, list) else node[0][field_name]
            assert node not in (None, []), f"no {type_name} for the demo child: cannot test its fields"
        for label, (principal, token) in principals.items():
            blocked = next((f"{t}.{f}" for t, f, _ in chain if not rule_for(t, f).allows(principal, {"depth": 1})),
                           None)
            if blocked:  # refused on the way: nothing below is reachable
                body = live_stack.graphql(query, token=token)
                assert _denied(body) == {blocked}, f"{label} on {type_name}"
                checked += len(fields)
                continue
            allowed = [(n, o) for n, o in fields if rule_for(type_name, n).allows(principal, {"depth": 1})]
            if allowed:  # every allowed field together: no error, and the data is there
                body = live_stack.graphql(_query_for(type_name, allowed, chain, subject), token=token)
                assert not body.get("errors"), f"{label} on {type_name}: {body.get('errors')}"
                checked += len(allowed)
            for denied_field in [f for f in fields if f not in allowed]:  # each denied field on its own
                body = live_stack.graphql(_query_for(type_name, [denied_field], chain, subject), token=token)
                assert _denied(body) == {f"{type_name}.{denied_field[0]}"}, f"{label} on {type_name}"
                checked += 1
    assert checked > 500


# --- object level: IDOR through ids and traversals --------------------------------------------------------------

def _codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


def test_ig_reviewer_cannot_look_anyone_up(live_stack, subject):
    body = live_stack.graphql('query($id: ID!) { person(id: $id) { displayName } }', {"id": subject["person"]},
                              role="ig_reviewer")
    assert body["data"] is None and _codes(body) == ["FORBIDDEN"]
    body = live_stack.graphql('{ searchPeople(name: "smith") { edges { node { id } } } }', role="ig_reviewer")
    assert body["data"] is None and _codes(body) == ["FORBIDDEN"]


def test_relatives_cannot_be_reached_around_the_family_permission(live_stack, subject):
    """A data manager may see identities, but not the family: neither through relationships nor the network."""
    q = 'query($id: ID!) { person(id: $id) { displayName relationships { person { id displayName } } } }'
    body = live_stack.graphql(q, {"id": subject["person"]}, role="data_manager")
    assert "FORBIDDEN" in _codes(body) and body["data"] is None
    q = 'query($id: ID!) { network(personId: $id) { nodes { id label } } }'
    assert _codes(live_stack.graphql(q, {"id": subject["person"]}, role="data_manager")) == ["FORBIDDEN"]
    q = 'query($id: ID!) { teamAroundChild(personId: $id) { reasons { person { displayName } } } }'
    assert _codes(live_stack.graphql(q, {"id": subject["person"]}, role="data_manager")) == ["FORBIDDEN"]


def test_integrator_without_family_scope_cannot_traverse(live_stack, subject):
    for q in ('query($id: ID!) { person(id: $id) { relationships { person { id } } } }',
              'query($id: ID!) { network(personId: $id) { nodes { id } } }',
              'query($id: ID!) { person(id: $id) { contactNumbers { number } } }',
              'query($id: ID!) { paths(fromId: $id, toId: $id) { nodes { id } } }',
              'query($id: ID!) { sharedAddresses(personId: $id) { edges { node { people { id } } } } }'):
        body = live_stack.graphql(q, {"id": subject["person"]}, role="integrator")
        assert "FORBIDDEN" in _codes(body), q


def test_network_beyond_one_step_is_for_analysts(live_stack, subject):
    q = 'query($id: ID!, $d: Int!) { network(personId: $id, depth: $d) { nodes { id } } }'
    assert not _codes(live_stack.graphql(q, {"id": subject["person"], "d": 1}, role="social_worker"))
    assert _codes(live_stack.graphql(q, {"id": subject["person"], "d": 2}, role="social_worker")) == ["FORBIDDEN"]
    assert not _codes(live_stack.graphql(q, {"id": subject["person"], "d": 2}, role="massh_analyst"))


def test_node_ids_of_other_kinds_do_not_open_a_person(live_stack, subject):
    q = 'query($id: ID!) { person(id: $id) { id displayName } }'
    for other in (subject["address"], f"{subject['person']}' OR 1=1 //", "*", "../../etc/passwd"):
        body = live_stack.graphql(q, {"id": other})
        assert body["data"] is None and _codes(body) == ["NOT_FOUND"], other


def test_social_worker_cannot_use_analyst_queries(live_stack, subject):
    q = 'query($a: ID!) { peopleAtAddress(addressId: $a) { edges { node { person { id } } } } }'
    assert _codes(live_stack.graphql(q, {"a": subject["address"]})) == ["FORBIDDEN"]
    assert not _codes(live_stack.graphql(q, {"a": subject["address"]}, role="massh_analyst"))


def test_the_permission_matrix_is_generated_from_the_live_schema(live_stack):
    body = live_stack.graphql("{ permissionMatrix { typeName fieldName roles scopes purpose personalData } }",
                              role="ig_reviewer")
    rows = body["data"]["permissionMatrix"]
    assert {(r["typeName"], r["fieldName"]) for r in rows} == set(_live_fields())
    dob = next(r for r in rows if (r["typeName"], r["fieldName"]) == ("Person", "dob"))
    assert "social_worker" in dob["roles"] and "ig_reviewer" not in dob["roles"] and dob["personalData"]
    assert dob["scopes"] == ["people:read"] and dob["purpose"]
