"""Why we think a person's records are the same person: the match confidence and the reasons (model comparisons
with their weights, shared trusted identifiers, a data manager's decision) for each source record, served with the
person page's own query over HTTP from the real Neo4j, and never a value of any record."""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from family_context.settings import PROJECT_ROOT
from graph_loader.link_reasons import read_link_reasons
from resolvers.link_reasons import link_reasons

GRAPHQL_JS = PROJECT_ROOT / "web_client" / "static" / "graphql.js"


def web_client_person_query() -> str:
    """The document the web client's person page sends (not a copy: the test follows the page)."""
    return re.search(r"export const PERSON = `(.*?)`;", GRAPHQL_JS.read_text(encoding="utf-8"), re.S).group(1)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _person(live_stack, person_id: str, role: str = "social_worker") -> dict:
    body = live_stack.graphql(web_client_person_query(), {"id": person_id}, role=role)
    assert not body.get("errors"), body.get("errors")
    return body["data"]["person"]


@pytest.fixture(scope="module")
def linked_people(live_stack) -> dict[str, list[dict[str, str]]]:
    """person id -> the explanation rows linkage wrote for them."""
    people: dict[str, list[dict[str, str]]] = {}
    for row in _rows(live_stack.linked_dir / "explanations.csv"):
        people.setdefault(row["person_id"], []).append(row)
    return people


@pytest.mark.integration
def test_each_record_of_a_linked_person_says_why_it_was_linked(live_stack, linked_people):
    # The person with the most records a model link joined: the case a social worker most needs explained.
    person_id = max((pid for pid, rows in linked_people.items() if any(r["link"] == "splink" for r in rows)),
                    key=lambda pid: (len(linked_people[pid]), pid))
    person = _person(live_stack, person_id)
    records = person["records"]
    keys = {f'{r["source"]}:{r["recordId"]}' for r in records}
    assert len(records) >= 2
    for record in records:
        assert 0 < record["matchProbability"] <= 1
        reasons = record["linkReasons"]
        assert reasons, f"{record['source']} record has no reason"
        assert reasons[0]["joined"], "the link that joined the record comes first"
        for reason in reasons:
            # Reasons only ever name this person's own records.
            assert f'{reason["otherSource"]}:{reason["otherRecordId"]}' in keys
            assert reason["summary"]
    model = [reason for record in records for reason in record["linkReasons"] if reason["method"] == "model"]
    assert model
    for reason in model:
        names = [c["comparison"] for c in reason["comparisons"]]
        assert {"First name", "Surname", "Date of birth", "Address"} <= set(names)
        weights = [c["matchWeight"] for c in reason["comparisons"] if c["effect"] != "missing"]
        assert weights == sorted(weights, reverse=True), "strongest evidence first"
        for c in reason["comparisons"]:
            assert c["effect"] in ("agrees", "disagrees", "neutral", "missing")
            if c["effect"] in ("agrees", "disagrees"):
                assert (c["matchWeight"] > 0) == (c["effect"] == "agrees"), c
            assert "_std" not in c["level"] and "Jaro" not in c["level"], "levels are in plain words"
        agreeing = [c["comparison"].lower() for c in reason["comparisons"] if c["effect"] == "agrees"]
        assert all(a in reason["summary"].lower() for a in agreeing)


@pytest.mark.integration
def test_reasons_show_comparison_levels_never_the_values_compared(live_stack, linked_people):
    person_id = max(linked_people, key=lambda pid: (len(linked_people[pid]), pid))
    person = _person(live_stack, person_id)
    text = str([r["linkReasons"] for r in person["records"]]).lower()
    values = {person["firstName"], person["lastName"], person["dob"]} - {None, ""}
    addresses = {a["postcode"] for a in person["addresses"]} | {a["line"] for a in person["addresses"]}
    for value in values | (addresses - {None, ""}):
        assert value.lower() not in text, "a reason carries a value from a record"


@pytest.mark.integration
def test_a_shared_nhs_number_is_given_as_the_reason(live_stack, linked_people):
    exact = sorted(pid for pid, rows in linked_people.items() if any(r["link"] == "exact:nhs_number" for r in rows))
    assert exact, "the test town has no records linked by NHS number"
    person = _person(live_stack, exact[0])
    reasons = [reason for r in person["records"] for reason in r["linkReasons"] if reason["method"] == "identifier"]
    assert reasons and all(reason["summary"].startswith("Same NHS number") for reason in reasons)
    assert reasons[0]["comparisons"][0]["comparison"] == "NHS number"


@pytest.mark.integration
def test_a_person_with_one_record_has_no_reasons(live_stack):
    sizes = Counter(r["person_id"] for r in _rows(live_stack.linked_dir / "clusters.csv"))
    single = sorted(pid for pid, n in sizes.items() if n == 1)[0]
    records = _person(live_stack, single)["records"]
    assert len(records) == 1 and records[0]["linkReasons"] == []


@pytest.mark.integration
def test_roles_that_identify_people_read_the_reasons_and_others_are_refused(live_stack, demo_child):
    query = """query($id: ID!) { person(id: $id) { records { recordId linkReasons { summary comparisons {
        comparison level } } } } }"""
    body = live_stack.graphql(query, {"id": demo_child["person_id"]}, role="data_manager")
    assert not body.get("errors") and any(r["linkReasons"] for r in body["data"]["person"]["records"])
    body = live_stack.graphql(query, {"id": demo_child["person_id"]}, role="ig_reviewer")
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_data_managers_decision_and_an_identifier_are_reasons_too(tmp_path: Path) -> None:
    """From linkage's explanations file to what the page says, for the links the model did not score."""
    stored = _stored_reasons(tmp_path, "dob_level,dob_weight,dob_effect", [
        "P-1,health,H1,las,L1,exact:nhs_number,True,1.0,,,,missing",
        "P-1,las,L1,lcs,C1,decision:same,True,1.0,,,,missing",
        "P-1,health,H1,lcs,C1,splink,False,0.42,-0.3,Day and month swapped,4.1,agrees",
    ])
    las = link_reasons(stored["las:L1"])
    assert [(r.method, r.other_source, r.joined) for r in las] == [
        ("identifier", "health", True), ("decision", "lcs", True)]
    assert las[1].summary == "A data manager confirmed these records are the same person"
    lcs = link_reasons(stored["lcs:C1"])
    model = next(r for r in lcs if r.method == "model")
    assert not model.joined and model.match_probability == 0.42
    assert [(c.comparison, c.level, c.match_weight) for c in model.comparisons] == [
        ("Date of birth", "Day and month swapped", 4.1)]
    assert model.summary == "Matching model: Date of birth agrees"


def test_a_decision_says_who_confirmed_it_and_when(tmp_path: Path) -> None:
    """A social worker or IG reviewer reading why two records were joined by hand sees which data manager decided,
    and on which day; the model's links carry no such names."""
    stored = _stored_reasons(tmp_path, "decided_by,decided_at", [
        "P-1,las,L1,lcs,C1,decision:same,True,1.0,,Asha Patel,2026-11-02T09:15:00+00:00",
        "P-1,health,H1,lcs,C1,splink,True,0.97,6.1,,",
    ])
    decision = link_reasons(stored["las:L1"])[0]
    assert decision.method == "decision"
    assert (decision.decided_by, decision.decided_at) == ("Asha Patel", "2026-11-02")
    assert decision.summary == "Confirmed the same person by Asha Patel (data manager) on 2 November 2026"
    model = next(r for r in link_reasons(stored["lcs:C1"]) if r.method == "model")
    assert model.decided_by is None and model.decided_at is None


def _stored_reasons(folder: Path, more_columns: str, rows: list[str]) -> dict[str, str]:
    """What the loader stores per record, from an explanations.csv of these rows (the fixed columns, then more)."""
    header = ("person_id,source_l,record_id_l,source_r,record_id_r,link,joined,match_probability,match_weight,"
              + more_columns)
    (folder / "explanations.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return read_link_reasons(folder)
