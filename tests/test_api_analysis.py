"""Analysts', integrators' and the strategy meeting's queries, against the real Neo4j over HTTP."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from neo4j import AsyncGraphDatabase, GraphDatabase

from family_context.auth.principal import Principal
from resolvers.graph_reader import GraphReader
from schema import build_schema

pytestmark = pytest.mark.integration


def _data(body: dict) -> dict:
    assert "errors" not in body, body["errors"]
    return body["data"]


def _driver(settings):
    return GraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password))


def test_team_around_the_child_lists_each_practitioner_once_with_reasons(live_stack, demo_child):
    team = _data(live_stack.graphql("""query($id: ID!) { teamAroundChild(personId: $id) {
        practitioner { name role phone email } reasons { person { id } relationship service involvement } } }""",
                                    {"id": demo_child["person_id"]}))["teamAroundChild"]
    names = [(m["practitioner"]["name"], m["practitioner"]["role"]) for m in team]
    assert len(names) == len(set(names)), "each practitioner appears once"
    social_worker = next(m for m in team if m["practitioner"]["name"] == demo_child["allocated_worker"])
    assert {"relationship": "This person", "person": {"id": demo_child["person_id"]}}.items() <= \
        {k: v for k, v in social_worker["reasons"][0].items() if k in ("relationship", "person")}.items()
    assert all(m["reasons"] for m in team)


def test_network_is_ready_to_draw_and_depth_is_capped(live_stack, demo_child):
    network = _data(live_stack.graphql("""query($id: ID!) { network(personId: $id, depth: 1) {
        nodes { id kind label } edges { source target type } truncated } }""", {"id": demo_child["person_id"]}))["network"]
    node_ids = {n["id"] for n in network["nodes"]}
    assert demo_child["person_id"] in node_ids
    assert {p["person_id"] for p in demo_child["parents"]} <= node_ids
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in network["edges"])
    too_deep = live_stack.graphql("""query($id: ID!) { network(personId: $id, depth: 4) { truncated } }""",
                                  {"id": demo_child["person_id"]}, role="massh_analyst")
    assert too_deep["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_path_from_child_to_parent_is_one_hop(live_stack, demo_child):
    parent = demo_child["parents"][0]["person_id"]
    paths = _data(live_stack.graphql("""query($a: ID!, $b: ID!) { paths(fromId: $a, toId: $b, maxHops: 3) {
        nodes { id } edges { type } } }""", {"a": demo_child["person_id"], "b": parent},
        role="massh_analyst"))["paths"]
    assert paths and len(paths[0]["edges"]) == 1 and paths[0]["edges"][0]["type"] == "PARENT_OF"
    assert [n["id"] for n in paths[0]["nodes"]] == [demo_child["person_id"], parent]


def test_people_at_the_childs_address_include_the_child(live_stack, demo_child):
    person = _data(live_stack.graphql("""query($id: ID!) { person(id: $id) { currentAddress { id } } }""",
                                      {"id": demo_child["person_id"]}))["person"]
    residents = _data(live_stack.graphql("""query($a: ID!) { peopleAtAddress(addressId: $a) {
        edges { node { person { id } livesThereNow recordedBy } } } }""", {"a": person["currentAddress"]["id"]},
        role="massh_analyst"))["peopleAtAddress"]["edges"]
    mine = next(e["node"] for e in residents if e["node"]["person"]["id"] == demo_child["person_id"])
    assert mine["livesThereNow"] and mine["recordedBy"]


def test_last_seen_and_correct_as_of_are_the_recording_systems_extract_dates(live_stack, demo_child):
    """Neither date is stored per record or per address (docs/graph_model.md, section 1): both must still be what
    the source register says, and the analyst's "seen between" filter must still use "last seen"."""
    extracted = {s["source"]: s["extractedAt"] for s in _data(live_stack.graphql(
        "{ sources { source extractedAt } }"))["sources"]}
    person = _data(live_stack.graphql("""query($id: ID!) { person(id: $id) { currentAddress { id }
        records { source correctAsOf } } }""", {"id": demo_child["person_id"]}))["person"]
    assert person["records"] and all(r["correctAsOf"] == extracted[r["source"]] for r in person["records"])

    def residents(**seen) -> dict:
        edges = _data(live_stack.graphql("""query($a: ID!, $from: Date, $to: Date) {
            peopleAtAddress(addressId: $a, seenFrom: $from, seenTo: $to, first: 100) {
              edges { node { person { id } recordedBy lastSeen } } } }""",
            {"a": person["currentAddress"]["id"], **seen}, role="massh_analyst"))["peopleAtAddress"]["edges"]
        return {e["node"]["person"]["id"]: e["node"] for e in edges}

    everyone = residents()
    for node in everyone.values():
        assert node["lastSeen"] == max(extracted[s] for s in node["recordedBy"])
    seen = everyone[demo_child["person_id"]]["lastSeen"]
    assert demo_child["person_id"] in residents(**{"from": seen, "to": seen})
    day_after = (date.fromisoformat(seen) + timedelta(days=1)).isoformat()
    assert demo_child["person_id"] not in residents(**{"from": day_after})


def test_an_analyst_pages_through_everyone_at_a_busy_address_exactly_once(live_stack):
    """A hostel or a block of flats can hold more people than one page: every one of them is reachable, once, and
    the page says how many there are in all (no silent cut-off)."""
    with _driver(live_stack.settings) as driver:
        busiest = driver.execute_query("""
            MATCH (g:Published {id: 'graph'}) MATCH (a:Address {run: g.run})<-[:LIVES_AT]-(p:Person)
            RETURN a.id AS address, collect(p.id) AS people ORDER BY size(people) DESC LIMIT 1""").records[0]
    expected = busiest["people"]
    assert len(expected) >= 5, "the demo town has addresses several people have lived at"
    seen, now_flags, after, pages = [], [], None, 0
    while True:
        page = _data(live_stack.graphql("""query($a: ID!, $after: String) { peopleAtAddress(addressId: $a, first: 2,
            after: $after) { totalCount edges { cursor node { person { id } livesThereNow } }
            pageInfo { hasNextPage endCursor } } }""", {"a": busiest["address"], "after": after},
            role="massh_analyst"))["peopleAtAddress"]
        pages += 1
        assert page["totalCount"] == len(expected)
        seen.extend(e["node"]["person"]["id"] for e in page["edges"])
        now_flags.extend(e["node"]["livesThereNow"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert pages == (len(expected) + 1) // 2
    assert len(seen) == len(set(seen)) and set(seen) == set(expected)
    assert now_flags == sorted(now_flags, reverse=True), "people living there now come first"


@pytest.mark.parametrize("field, arguments, message", [
    ('peopleAtAddress(addressId: "x"', "first: 101", "first must be between 1 and 100"),
    ('peopleAtAddress(addressId: "x"', 'after: "not-a-cursor"', "after is not a cursor this API gave out"),
    # A people-export cursor, not a position.
    ('peopleAtAddress(addressId: "x"', 'after: "cGVyc29uOjE="', "after is not a cursor this API gave out"),
    ('sharedAddresses(personId: "x"', "first: 101", "first must be between 1 and 100"),
    ('sharedAddresses(personId: "x"', "first: 0", "first must be between 1 and 100"),
    ('sharedAddresses(personId: "x"', 'after: "not-a-cursor"', "after is not a cursor this API gave out"),
    ('peopleOfConcern(personId: "x"', "first: 101", "first must be between 1 and 100"),
    ('peopleOfConcern(personId: "x"', 'after: "not-a-cursor"', "after is not a cursor this API gave out"),
    ('peopleOfConcern(personId: "x"', "minAge: 200", "minAge must be between 0 and 130"),
])
def test_bad_analyst_pages_are_clear_errors(live_stack, field, arguments, message):
    body = live_stack.graphql(f"{{ {field}, {arguments}) {{ pageInfo {{ hasNextPage }} }} }}", role="massh_analyst")
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


SHARED = """query($id: ID!, $first: Int, $after: String) {
  sharedAddresses(personId: $id, first: $first, after: $after) {
    edges { cursor node { addressId people { id } } } pageInfo { hasNextPage endCursor } } }"""


def test_an_analyst_pages_through_every_shared_address_exactly_once(live_stack):
    """A page at a time reaches each address the person shares once, in the same order as one big page, each with
    the same people (the demo town's most shared person has two such addresses: pages of one)."""
    with _driver(live_stack.settings) as driver:
        mover = driver.execute_query("""
            MATCH (g:Published {id: 'graph'}) MATCH (p:Person {run: g.run})-[:LIVES_AT]->(a:Address)
            WHERE EXISTS { MATCH (a)<-[:LIVES_AT]-(o:Person) WHERE o <> p }
            WITH p, collect(DISTINCT a.id) AS addresses ORDER BY size(addresses) DESC, p.id LIMIT 1
            RETURN p.id AS person, addresses""").records[0]
    assert len(mover["addresses"]) >= 2, "someone in the demo town shares two or more addresses"
    whole = _data(live_stack.graphql(SHARED, {"id": mover["person"], "first": 100},
                                     role="massh_analyst"))["sharedAddresses"]
    assert not whole["pageInfo"]["hasNextPage"]
    seen, after = [], None
    while True:
        page = _data(live_stack.graphql(SHARED, {"id": mover["person"], "first": 1, "after": after},
                                        role="massh_analyst"))["sharedAddresses"]
        seen.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert seen == [edge["node"] for edge in whole["edges"]]
    assert sorted(a["addressId"] for a in seen) == sorted(mover["addresses"])


def _concern(live_stack, selection: str, child: str, concern: str, depth: int = 1, **page) -> list[dict]:
    arguments = "".join(f", {name}: {value}" for name, value in page.items())
    body = live_stack.graphql(f"""query($id: ID!) {{ peopleOfConcern(personId: $id, depth: {depth},
        types: [{concern}]{arguments}) {{ edges {{ node {selection} }} }} }}""", {"id": child}, role="massh_analyst")
    return [edge["node"] for edge in _data(body)["peopleOfConcern"]["edges"]]


def test_adults_on_probation_near_a_child_are_found(live_stack):
    with _driver(live_stack.settings) as driver:
        records = driver.execute_query("""
            MATCH (c:Person)-[:HAS_RECORD]->(:SourceRecord {source: 'lcs'})-[:RECORDS]->(:Involvement)
            MATCH (c)<-[:PARENT_OF]-(adult:Person)-[:HAS_RECORD]->(:SourceRecord)-[:RECORDS]->(i:Involvement)
            WHERE i.source = 'probation'
            RETURN c.id AS child, adult.id AS adult LIMIT 1""").records
    assert records, "the demo town puts some parents of children known to social care on probation"
    child, adult = records[0]["child"], records[0]["adult"]
    found = _concern(live_stack, "{ person { id } steps involvements }", child, "PROBATION")
    match = next(p for p in found if p["person"]["id"] == adult)
    assert match["steps"] == 1 and any("probation" in i for i in match["involvements"])
    none_for_asb = _concern(live_stack, "{ person { id } involvements }", child, "ASB")
    assert all(not any("probation" in i for i in p["involvements"]) for p in none_for_asb)


def test_an_analyst_pages_through_people_of_concern_in_the_same_order(live_stack):
    """Three steps out from a child, everyone of any age with any involvement of concern: pages of one follow on
    from each other, nearest first, and hold the same people as one page of all of them (the demo town's children
    have few such people around them)."""
    with _driver(live_stack.settings) as driver:
        children = [r["child"] for r in driver.execute_query("""
            MATCH (g:Published {id: 'graph'})
            MATCH (c:Person {run: g.run})<-[:PARENT_OF]-(:Person)-[:HAS_RECORD]->(:SourceRecord)
                  -[:RECORDS]->(i:Involvement)
            WHERE i.source IN ['probation', 'housing_asb', 'yos']
            RETURN DISTINCT c.id AS child ORDER BY child LIMIT 30""").records]
    child, everyone = None, []
    for child in children:  # the first child with two or more, so that pages of one follow on
        everyone = _concern(live_stack, "{ person { id } steps }", child, "ASB, PROBATION, YOUTH_JUSTICE", depth=3,
                            minAge=0, first=100)
        if len(everyone) >= 2:
            break
    assert len(everyone) >= 2, f"some child of {len(children)} has two people of concern within three steps"
    query = """query($id: ID!, $after: String) { peopleOfConcern(personId: $id, depth: 3, minAge: 0, first: 1,
        after: $after) { edges { node { person { id } steps } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = _data(live_stack.graphql(query, {"id": child, "after": after}, role="massh_analyst"))["peopleOfConcern"]
        seen.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everyone
    steps = [p["steps"] for p in seen if p["steps"] is not None]
    assert steps == sorted(steps), "nearest first"


def test_integrator_pages_through_every_person_exactly_once(live_stack):
    seen, after = [], None
    while True:
        page = _data(live_stack.graphql("""query($after: String) { people(first: 100, after: $after) {
            edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }""", {"after": after},
            role="integrator"))["people"]
        seen.extend(e["node"]["id"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    with _driver(live_stack.settings) as driver:
        total = driver.execute_query("MATCH (p:Person) RETURN count(p) AS n").records[0]["n"]
    assert len(seen) == len(set(seen)) == total


@pytest.mark.parametrize("arguments, message", [
    ("first: 101", "first must be between 1 and 100"),
    ("first: 0", "first must be between 1 and 100"),
    ('after: "not-a-cursor"', "after is not a cursor this API gave out"),
])
def test_bad_pages_are_clear_errors(live_stack, arguments, message):
    body = live_stack.graphql(f"{{ people({arguments}) {{ pageInfo {{ hasNextPage }} }} }}", role="integrator")
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_source_register_accounts_for_every_row(live_stack):
    sources = _data(live_stack.graphql("""{ sources { source system lastSynchronised extractedAt rowsIn rowsLoaded
        rowsQuarantined } }"""))["sources"]
    assert {s["source"] for s in sources} >= {"lcs", "las", "synergy", "health", "probation"}
    for source in sources:
        assert source["rowsIn"] == source["rowsLoaded"] + source["rowsQuarantined"] > 0
        assert source["lastSynchronised"] and source["extractedAt"]


SOCIAL_WORKER = Principal("user:test", frozenset({"social_worker"}))


def test_person_page_costs_one_round_trip_however_large_the_family(loaded_graph):
    """The web client's own person-page document (services, family, addresses, numbers, records and why they were
    linked): one Cypher round trip for the smallest and for the largest family and record list."""
    from tests.test_link_reasons import web_client_person_query

    settings = loaded_graph
    with _driver(settings) as driver:
        rows = driver.execute_query("""
            MATCH (p:Person) OPTIONAL MATCH (p)-[r:PARENT_OF|SIBLING_OF|CARER_OF|MEMBER_OF|HAS_RECORD]-()
            WITH p, count(r) AS family ORDER BY family
            WITH collect({id: p.id, family: family}) AS people
            RETURN people[0] AS smallest, people[-1] AS largest""").records[0]
    assert rows["largest"]["family"] > rows["smallest"]["family"]

    async def round_trips(person_id: str) -> int:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password))
        try:
            graph = GraphReader(driver)
            result = await build_schema().execute(web_client_person_query(), variable_values={"id": person_id},
                                                  context_value={"graph": graph, "principal": SOCIAL_WORKER})
            assert result.errors is None, result.errors
            return graph.round_trips
        finally:
            await driver.close()

    small = asyncio.run(round_trips(rows["smallest"]["id"]))
    large = asyncio.run(round_trips(rows["largest"]["id"]))
    assert small == large == 1
