"""The audit trail over HTTP: exactly one event per audited read at each of the four levels, denials recorded,
ids and field names but never values, purposes, the request id, append-only storage that survives a restart,
and audit search for IG reviewers and team managers."""
from __future__ import annotations

import sqlite3
import uuid

import pytest

from family_context.audit import AuditStore

pytestmark = pytest.mark.integration

PERSON = """query($id: ID!) { person(id: $id) { id displayName dob caseIds
  services { key status involvements { kind leadPractitioner { name phone } } }
  relationships { type person { id displayName } } } }"""
BRIEF = "query($id: ID!) { person(id: $id) { id displayName dob } }"
SEARCH = "query($name: String) { searchPeople(name: $name) { edges { cursor node { id displayName dob } } } }"


def _db(live_stack) -> sqlite3.Connection:
    return sqlite3.connect(live_stack.settings.var_dir / "audit" / "audit.sqlite3")


def _events(live_stack, request_id: str) -> list[dict]:
    store = AuditStore(live_stack.settings.var_dir / "audit" / "audit.sqlite3")
    try:
        return sorted(store.search(request_id=request_id, limit=200), key=lambda e: e["seq"])
    finally:
        store.close()


def _rid() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_person_page_is_one_person_viewed_and_one_service_details_event(live_stack, demo_child):
    rid = _rid()
    body = live_stack.graphql(PERSON, {"id": demo_child["person_id"]}, headers={"X-Request-ID": rid})
    assert "errors" not in body
    events = _events(live_stack, rid)
    assert [e["event"] for e in events] == ["person_viewed", "service_details_viewed"]
    viewed, services = events
    relatives = {r["person"]["id"] for r in body["data"]["person"]["relationships"]}
    assert viewed["whom"] == sorted({demo_child["person_id"]} | relatives)
    assert {"Person.dob", "Person.displayName", "PersonHit.displayName"} <= set(viewed["fields"])
    assert services["whom"] == [demo_child["person_id"]]
    assert {"Practitioner.phone", "Service.status"} <= set(services["fields"])
    for event in events:
        assert event["actor"] == "user:social.worker" and event["roles"] == ["social_worker"]
        assert event["team"] == "Front Door" and event["outcome"] == "ok" and event["request_id"] == rid
        assert event["at"].endswith("+00:00")


def test_a_search_is_one_search_event_and_one_results_shown_event(live_stack, demo_child):
    rid = _rid()
    name = f"{demo_child['last_name']} {demo_child['first_name']}"
    found = live_stack.graphql(SEARCH, {"name": name}, headers={"X-Request-ID": rid})["data"]["searchPeople"]
    hits = [edge["node"] for edge in found["edges"]]
    events = _events(live_stack, rid)
    assert [e["event"] for e in events] == ["search", "results_shown"]
    search, shown = events
    assert search["fields"] == ["criteria.name"] and search["whom"] == []
    assert shown["whom"] == sorted(h["id"] for h in hits)
    assert shown["fields"] == ["PersonHit.displayName", "PersonHit.dob", "PersonHit.id"]


def test_each_page_of_a_search_records_whom_it_showed(live_stack, demo_child):
    """Paging on is the same search, audited the same way: the criteria (not the cursor), and the people on the
    page that was shown."""
    query = """query($name: String, $after: String) { searchPeople(name: $name, first: 2, after: $after) {
        edges { node { id displayName } } pageInfo { endCursor } } }"""
    after = None
    for _ in range(2):
        rid = _rid()
        page = live_stack.graphql(query, {"name": demo_child["last_name"], "after": after},
                                  headers={"X-Request-ID": rid})["data"]["searchPeople"]
        assert page["edges"], "the demo child's surname matches more than two people"
        search, shown = _events(live_stack, rid)
        assert search["event"] == "search" and search["fields"] == ["criteria.name"]
        assert shown["event"] == "results_shown"
        assert shown["whom"] == sorted(edge["node"]["id"] for edge in page["edges"])
        assert shown["fields"] == ["PersonHit.displayName", "PersonHit.id"]
        after = page["pageInfo"]["endCursor"]


def test_the_audit_never_holds_values(live_stack, demo_child):
    rid = _rid()
    name = f"{demo_child['last_name']} {demo_child['first_name']}"
    live_stack.graphql(SEARCH, {"name": name}, headers={"X-Request-ID": rid})
    live_stack.graphql(PERSON, {"id": demo_child["person_id"]}, headers={"X-Request-ID": rid})
    with _db(live_stack) as db:
        dump = "\n".join(db.iterdump())
    for value in (demo_child["last_name"], demo_child["first_name"], demo_child["lcs_id"],
                  demo_child["allocated_worker"]):
        assert value not in dump


def test_denials_are_recorded(live_stack, demo_child):
    rid = _rid()
    body = live_stack.graphql("query($id: ID!) { person(id: $id) { displayName contactNumbers { number } } }",
                              {"id": demo_child["person_id"]}, role="integrator", headers={"X-Request-ID": rid})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    denied = [e for e in _events(live_stack, rid) if e["event"] == "access_denied"]
    assert len(denied) == 1
    assert denied[0]["fields"] == ["Person.contactNumbers"] and denied[0]["whom"] == [demo_child["person_id"]]
    assert denied[0]["outcome"] == "denied" and denied[0]["client_id"] == "demo-integrator"

    rid = _rid()
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, role="ig_reviewer", headers={"X-Request-ID": rid})
    assert [(e["event"], e["fields"]) for e in _events(live_stack, rid)] == [("access_denied", ["Query.person"])]


def test_each_read_has_exactly_one_event_per_level(live_stack, demo_child):
    for _ in range(3):
        rid = _rid()
        live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, headers={"X-Request-ID": rid})
        assert [e["event"] for e in _events(live_stack, rid)] == ["person_viewed"]


def test_integrator_purpose_header_is_recorded(live_stack, demo_child):
    rid = _rid()
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, role="integrator",
                       headers={"X-Request-ID": rid, "X-Purpose": "integration"})
    assert [e["purpose"] for e in _events(live_stack, rid)] == ["integration"]
    rid = _rid()
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, headers={"X-Request-ID": rid,
                                                                          "X-Purpose": "made-up"})
    assert [e["purpose"] for e in _events(live_stack, rid)] == ["not_given"]


def test_browser_purpose_is_asked_once_per_person_and_recorded(live_stack, demo_child):
    from tests.test_auth_web import browser_sign_in, csrf

    client = browser_sign_in(live_stack)
    token = csrf(client)
    bad = client.post("/session/purpose", json={"personId": demo_child["person_id"], "purpose": "curiosity"},
                      headers={"X-CSRF-Token": token})
    assert bad.status_code == 400
    no_csrf = client.post("/session/purpose", json={"personId": demo_child["person_id"], "purpose": "assessment"})
    assert no_csrf.status_code == 403
    ok = client.post("/session/purpose", json={"personId": demo_child["person_id"], "purpose": "assessment"},
                     headers={"X-CSRF-Token": token})
    assert ok.status_code == 204
    from schema.security import web_client_documents  # noqa: F401  (the page's own query is used below)

    rid = _rid()
    response = client.post("/graphql", json={"query": BRIEF, "variables": {"id": demo_child["person_id"]}},
                           headers={"X-CSRF-Token": token, "X-Request-ID": rid})
    assert response.status_code == 200
    events = _events(live_stack, rid)
    assert [(e["event"], e["purpose"], e["via"]) for e in events] == [("person_viewed", "assessment", "session")]


def test_the_store_refuses_updates_and_deletes(live_stack, demo_child):
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]})
    with _db(live_stack) as db:
        for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event",
                          "UPDATE audit_subject SET person_id = 'x'", "DELETE FROM audit_subject"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)


def test_no_code_path_updates_or_deletes_the_audit():
    import inspect

    import family_context.audit.store as store_module
    from schema import build_schema

    source = inspect.getsource(store_module)
    code = "\n".join(line for line in source.splitlines() if "RAISE(ABORT" not in line and "TRIGGER" not in line)
    assert "UPDATE audit" not in code.upper().replace("BEFORE UPDATE", "") and "DELETE FROM" not in code.upper()
    assert not [m for m in dir(AuditStore) if any(w in m.lower() for w in ("update", "delete", "remove", "purge"))]
    mutation = build_schema()._schema.mutation_type
    assert mutation is None or not [f for f in mutation.fields if "audit" in f.lower()]


def test_the_audit_survives_a_restart_and_its_chain_verifies(live_stack, demo_child, tmp_path):
    rid = _rid()
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, headers={"X-Request-ID": rid})
    reopened = AuditStore(live_stack.settings.var_dir / "audit" / "audit.sqlite3")
    try:
        assert [e["event"] for e in reopened.search(request_id=rid)] == ["person_viewed"]
        assert reopened.verify_chain()
    finally:
        reopened.close()


AUDIT = """query($rid: String, $actor: String) { auditEvents(requestId: $rid, actor: $actor, first: 50) {
  events { event actor team whom fields purpose requestId } nextAfter } }"""


def test_ig_reviewer_searches_the_audit_without_personal_data(live_stack, demo_child):
    rid = _rid()
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, headers={"X-Request-ID": rid})
    body = live_stack.graphql(AUDIT, {"rid": rid}, role="ig_reviewer")
    events = body["data"]["auditEvents"]["events"]
    assert [(e["event"], e["whom"]) for e in events] == [("person_viewed", [demo_child["person_id"]])]
    by_person = live_stack.graphql("query($p: ID!) { auditEvents(personId: $p, first: 5) { events { event } } }",
                                   {"p": demo_child["person_id"]}, role="ig_reviewer")
    assert by_person["data"]["auditEvents"]["events"]
    assert live_stack.graphql(AUDIT, {"rid": rid})["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_team_managers_see_their_own_team_only(live_stack, demo_child):
    from family_context.dev_idp.client import user_token

    own, other = _rid(), _rid()
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, headers={"X-Request-ID": own})
    assessment = user_token(live_stack.settings.issuer, "assessment.worker")
    live_stack.graphql(BRIEF, {"id": demo_child["person_id"]}, token=assessment, headers={"X-Request-ID": other})
    seen_own = live_stack.graphql(AUDIT, {"rid": own}, role="team_manager")["data"]["auditEvents"]["events"]
    seen_other = live_stack.graphql(AUDIT, {"rid": other}, role="team_manager")["data"]["auditEvents"]["events"]
    assert [e["team"] for e in seen_own] == ["Front Door"] and seen_other == []
    assert len(live_stack.graphql(AUDIT, {"rid": other}, role="ig_reviewer")["data"]["auditEvents"]["events"]) == 1


def test_searching_the_audit_is_itself_audited(live_stack):
    rid = _rid()
    live_stack.graphql(AUDIT, {"actor": "user:social.worker"}, role="ig_reviewer", headers={"X-Request-ID": rid})
    events = _events(live_stack, rid)
    assert [(e["event"], e["fields"]) for e in events] == [("audit_searched", ["criteria.actor"])]


def test_the_request_id_and_cypher_timeout_reach_the_neo4j_transaction():
    """Each API read runs with the request id in Neo4j's transaction metadata (so a DBA's view of a query leads
    back to the audit) and with the configured Cypher timeout."""
    import asyncio
    from types import SimpleNamespace

    from family_context.app import FamilyContextGraphQL
    from family_context.auth.principal import Principal
    from schema import build_schema

    seen = {}

    class RecordingResult:
        def keys(self):
            return ()

        async def values(self):
            return []

    class RecordingSession:
        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return False

        async def run(self, query, parameters=None, **kwargs):
            seen.update(metadata=query.metadata, timeout=query.timeout)
            return RecordingResult()

    class RecordingDriver:
        def session(self, **kwargs):
            return RecordingSession()

    app_state = SimpleNamespace(driver=RecordingDriver(), audit=None)
    request = SimpleNamespace(
        state=SimpleNamespace(request_id="rid-0123456789", principal=Principal("u", frozenset({"social_worker"}))),
        scope={}, headers={}, app=SimpleNamespace(state=app_state))
    context = asyncio.run(FamilyContextGraphQL(build_schema(), cypher_timeout=7.5).get_context(request, None))
    asyncio.run(context["graph"].read("api/sources"))
    assert seen["metadata"]["request_id"] == "rid-0123456789" and seen["timeout"] == 7.5
    assert context["audit"].request_id == "rid-0123456789"


def test_concurrent_requests_share_commits_and_each_gets_its_own_events(tmp_path):
    """Group commit: 60 requests writing at once each get back their own seqs, every event is stored once with
    its people, and the hash chain over them all is whole."""
    import asyncio

    from family_context.audit import AuditEvent

    store = AuditStore(tmp_path / "audit.sqlite3")

    async def request(n: int) -> list[int]:
        events = [AuditEvent("search", "ok", f"req-{n}", f"user:{n}", frozenset({"social_worker"})),
                  AuditEvent("results_shown", "ok", f"req-{n}", f"user:{n}", frozenset({"social_worker"}),
                             whom=frozenset({f"P{n}", f"Q{n}"}))]
        return await store.append_async(events)

    async def all_requests() -> list[list[int]]:
        return await asyncio.gather(*(request(n) for n in range(60)))

    try:
        seqs = asyncio.run(all_requests())
        assert all(len(s) == 2 for s in seqs) and len({q for s in seqs for q in s}) == 120
        for n in (0, 31, 59):
            stored = store.search(request_id=f"req-{n}")
            assert sorted(e["seq"] for e in stored) == sorted(seqs[n])
            assert sorted(stored, key=lambda e: e["seq"])[1]["whom"] == [f"P{n}", f"Q{n}"]
        assert store.verify_chain()
    finally:
        store.close()


def test_nothing_is_shown_when_the_audit_cannot_be_written(tmp_path, monkeypatch):
    """If the audit store refuses the write, the person's details are withheld: AUDIT_UNAVAILABLE, no data."""
    import asyncio

    import schema.query
    from family_context.audit import AuditCollector
    from family_context.auth.principal import Principal
    from schema import build_schema
    from schema.types import Person

    async def one_person(graph, person_id):  # no database needed: the question is what happens after the read
        return Person(id=person_id, display_name="A Person", first_name=None, last_name=None, dob=None, age=None,
                      gender=None, case_ids=[], current_address=None, addresses=[], services=[], relationships=[],
                      contact_numbers=[], records=[])

    monkeypatch.setattr(schema.query, "get_person", one_person)
    store = AuditStore(tmp_path / "audit.sqlite3")
    store._db.execute("PRAGMA query_only = ON")  # every write now fails inside SQLite
    principal = Principal("user:sw", frozenset({"social_worker"}))
    context = {"graph": None, "principal": principal, "audit": AuditCollector(principal, "req-x"),
               "audit_store": store, "request_id": "req-x"}
    try:
        result = asyncio.run(build_schema().execute('{ person(id: "P1") { id displayName } }', context_value=context))
    finally:
        store.close()
    assert result.data is None
    assert [e.extensions["code"] for e in result.errors] == ["AUDIT_UNAVAILABLE"]
