"""The whole path on a real Neo4j: generated extracts -> Splink linkage -> load -> GraphQL over HTTP."""
from __future__ import annotations

import base64
import csv
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PERSON_QUERY = """
query Person($id: ID!) {
  person(id: $id) {
    id displayName dob age caseIds
    services { key name system status summary correctAsOf
      involvements { kind status startDate leadPractitioner { name role phone email } } }
    relationships { type source person { id displayName } }
    addresses { line postcode mostRecent }
    contactNumbers { number source updatedAt }
  }
}"""

SEARCH_QUERY = """
query Search($name: String, $dob: String, $caseId: String) {
  searchPeople(name: $name, dob: $dob, caseId: $caseId) {
    edges { node { id displayName dob age caseIds currentAddress sources } }
  }
}"""


def _hits(body: dict) -> list[dict]:
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["searchPeople"]["edges"]]


def test_searching_a_childs_name_finds_the_child(live_stack, demo_child):
    body = live_stack.graphql(SEARCH_QUERY, {"name": f"{demo_child['last_name']} {demo_child['first_name']}"})
    hits = _hits(body)
    assert demo_child["person_id"] in [h["id"] for h in hits]
    hit = next(h for h in hits if h["id"] == demo_child["person_id"])
    assert demo_child["lcs_id"] in hit["caseIds"]
    assert "lcs" in hit["sources"]
    dobs = [h["dob"] for h in hits if h["dob"]]
    assert dobs == sorted(dobs, reverse=True), "results are youngest first"


def test_case_id_goes_straight_to_the_child(live_stack, demo_child):
    body = live_stack.graphql(SEARCH_QUERY, {"caseId": demo_child["lcs_id"]})
    assert [h["id"] for h in _hits(body)] == [demo_child["person_id"]]


PAGE_QUERY = """
query Page($name: String, $caseId: String, $first: Int, $after: String) {
  searchPeople(name: $name, caseId: $caseId, first: $first, after: $after) {
    edges { cursor node { id dob } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _position(n: int) -> str:
    return base64.urlsafe_b64encode(f"position:{n}".encode()).decode()


def _rank(cursor: str) -> int:
    return int(base64.urlsafe_b64decode(cursor).decode().removeprefix("position:"))


def _page(live_stack, name: str, first: int, after: str | None = None) -> dict:
    body = live_stack.graphql(PAGE_QUERY, {"name": name, "first": first, "after": after}, role="integrator")
    assert "errors" not in body, body["errors"]
    return body["data"]["searchPeople"]


def test_an_integrator_pages_through_a_common_surname_without_gaps_or_repeats(live_stack, common_surname):
    """Page k holds the hits ranked (k-1)*first+1 .. k*first: the first j pages of ten are the same people as
    one page of 10*j, none twice; each page still reads youngest first."""
    seen: list[str] = []
    after = None
    for pages in range(1, 6):
        page = _page(live_stack, common_surname, 10, after)
        ids = [edge["node"]["id"] for edge in page["edges"]]
        assert len(ids) == 10, f"the commonest surname should match more than 50 people: page {pages} had {len(ids)}"
        dobs = [edge["node"]["dob"] or "" for edge in page["edges"]]
        assert dobs == sorted(dobs, reverse=True), "a page reads youngest first"
        seen.extend(ids)
        one_page = [edge["node"]["id"] for edge in _page(live_stack, common_surname, 10 * pages)["edges"]]
        assert len(seen) == len(set(seen)), "no one appears on two pages"
        assert set(seen) == set(one_page), f"pages 1-{pages} of ten are the best {10 * pages} matches"
        assert page["pageInfo"]["hasNextPage"]
        after = page["pageInfo"]["endCursor"]
    # Any edge's cursor carries on below that edge's rank, whatever its place in the youngest-first page.
    first_page = _page(live_stack, common_surname, 10)
    by_rank = {_rank(edge["cursor"]): edge["node"]["id"] for edge in first_page["edges"]}
    assert sorted(by_rank) == list(range(1, 11)) and first_page["pageInfo"]["endCursor"] == _position(10)
    rest = _page(live_stack, common_surname, 9, _position(1))
    assert {edge["node"]["id"] for edge in rest["edges"]} == set(by_rank.values()) - {by_rank[1]}


def test_a_case_id_search_is_a_connection_too(live_stack, demo_child):
    body = live_stack.graphql(PAGE_QUERY, {"caseId": demo_child["lcs_id"], "first": 5})
    found = body["data"]["searchPeople"]
    assert [e["node"]["id"] for e in found["edges"]] == [demo_child["person_id"]]
    assert found["pageInfo"] == {"hasNextPage": False, "endCursor": found["edges"][0]["cursor"]}


@pytest.mark.parametrize("arguments, message", [
    ({"first": 51}, "first must be between 1 and 50"),
    ({"first": 0}, "first must be between 1 and 50"),
    ({"after": "not-a-cursor"}, "after is not a cursor this API gave out"),
    ({"after": "cGVyc29uOjE="}, "after is not a cursor this API gave out"),  # a people-export cursor
    ({"after": _position(500)}, "Search pages go no further than the best 500 matches: add a date of birth or "
                                "more of the name to narrow the search"),
])
def test_bad_search_pages_are_clear_errors(live_stack, arguments, message):
    body = live_stack.graphql(PAGE_QUERY, {"name": "smith", **arguments}, role="integrator")
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [(message, "BAD_USER_INPUT")]


def test_childs_services_and_parents_come_back(live_stack, demo_child):
    body = live_stack.graphql(PERSON_QUERY, {"id": demo_child["person_id"]})
    assert "errors" not in body, body
    person = body["data"]["person"]
    services = {s["key"]: s for s in person["services"]}

    social_care = services["childrens_social_care"]
    assert social_care["status"] == "Current"
    assert social_care["correctAsOf"]
    workers = [i["leadPractitioner"]["name"] for i in social_care["involvements"] if i["leadPractitioner"]]
    assert demo_child["allocated_worker"] in workers

    for parent in demo_child["parents"]:
        expected = {"mother": "Mother", "father": "Father"}[parent["relationship"]]
        assert (expected, parent["person_id"]) in [(r["type"], r["person"]["id"]) for r in person["relationships"]]


def _truth(extracts: Path) -> dict[tuple[str, str], str]:
    with (extracts / "truth.csv").open(newline="") as handle:
        return {(r["source"], r["record_id"]): r["true_person_id"] for r in csv.DictReader(handle)}


def test_services_the_child_is_really_known_to_are_shown(live_stack, demo_child):
    truth = _truth(live_stack.extracts_dir)
    true_id = truth[("lcs", demo_child["lcs_id"])]
    known_sources = {source for (source, _), pid in truth.items() if pid == true_id}
    person = live_stack.graphql(PERSON_QUERY, {"id": demo_child["person_id"]})["data"]["person"]
    shown = {s["key"]: s["status"] for s in person["services"]}
    if "health" in known_sources:
        assert shown["health"] == "Current"
    # Absence is explicit, never a blank: every shown service has a status and a sentence.
    for service in person["services"]:
        assert service["status"] in ("Current", "Historic", "Not found")
        assert service["summary"].strip()


def test_unknown_person_is_a_clear_error_not_a_crash(live_stack):
    body = live_stack.graphql(PERSON_QUERY, {"id": "P-doesnotexist"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_search_with_nothing_searchable_says_what_to_enter(live_stack):
    body = live_stack.graphql(SEARCH_QUERY, {"name": "*%?"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Enter a name" in body["errors"][0]["message"]
