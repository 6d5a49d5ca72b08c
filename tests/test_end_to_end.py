"""The whole path on a real Neo4j: generated extracts -> Splink linkage -> load -> GraphQL over HTTP."""
from __future__ import annotations

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
  searchPeople(name: $name, dob: $dob, caseId: $caseId) { id displayName dob age caseIds currentAddress sources }
}"""


def test_searching_a_childs_name_finds_the_child(live_stack, demo_child):
    body = live_stack.graphql(SEARCH_QUERY, {"name": f"{demo_child['last_name']} {demo_child['first_name']}"})
    assert "errors" not in body, body
    hits = body["data"]["searchPeople"]
    assert demo_child["person_id"] in [h["id"] for h in hits]
    hit = next(h for h in hits if h["id"] == demo_child["person_id"])
    assert demo_child["lcs_id"] in hit["caseIds"]
    assert "lcs" in hit["sources"]
    dobs = [h["dob"] for h in hits if h["dob"]]
    assert dobs == sorted(dobs, reverse=True), "results are youngest first"


def test_case_id_goes_straight_to_the_child(live_stack, demo_child):
    body = live_stack.graphql(SEARCH_QUERY, {"caseId": demo_child["lcs_id"]})
    assert [h["id"] for h in body["data"]["searchPeople"]] == [demo_child["person_id"]]


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
