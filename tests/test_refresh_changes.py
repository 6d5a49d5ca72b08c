"""What a one-source refresh decides to change (graph_loader/refresh_changes.py), without a database: the graph's
state is written here in the shapes the refresh's reads return. The end-to-end behaviour against the real Neo4j is
in tests/test_load_safety.py; these pin the rules one at a time (who leaves a household, which records are kept)."""
from __future__ import annotations

from datetime import date

import pytest

from graph_loader.people import StandardRecord
from graph_loader.prepare import record_row
from graph_loader.refresh_changes import (address_history_changes, changed_props, household_changes, kept_records,
                                          other_record_changes, person_changes, relationship_changes, same,
                                          touched_addresses)
from linkage.sources_config import load_sources
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def cfg():
    return load_sources(SOURCES)


def _record(record_id: str, person_id: str, first_name: str = "Amy", probability: float = 0.99) -> StandardRecord:
    return StandardRecord(source="housing_tenancy", record_id=record_id, person_id=person_id,
                          match_probability=probability, first_name=first_name, last_name="Shaw",
                          dob=date(2012, 3, 4), sex="F", address="1 High St", postcode="AB1 2CD",
                          extracted_at=date(2026, 11, 1))


def _in_graph(rec: StandardRecord, cfg, digest: str, person_id: str | None = None,
              probability: float | None = None) -> dict:
    """The record as refresh/owned_records reads it back: dates as ISO text, no null properties, the run stamped."""
    props = {k: (v.isoformat() if isinstance(v, date) else v)
             for k, v in record_row(rec, cfg, digest)["props"].items() if v is not None}
    props["run"] = "G1"
    return {"key": rec.key, "eid": f"e-{rec.key}", "link": f"h-{rec.key}", "person_id": person_id or rec.person_id,
            "match_probability": rec.match_probability if probability is None else probability, "props": props}


def _state(eid: str, lives: list[tuple[str, bool]], **props) -> dict:
    """A person as refresh/person_state reads them: lives_at entries [address id, eid, line, current, sources, l-eid]."""
    return {"eid": eid, "props": props, "others": [],
            "lives_at": [[aid, f"a-{aid}", aid, current, ["housing_tenancy"], f"l-{eid}-{aid}"]
                         for aid, current in lives]}


def _lives(person_id: str, address_id: str, current: bool) -> dict:
    return {"person_id": person_id, "address_id": address_id, "current": current, "sources": ["housing_tenancy"]}


def test_a_date_read_back_as_text_and_a_missing_property_compare_equal_to_what_was_prepared():
    assert same("2012-03-04", date(2012, 3, 4))
    assert not same("2012-03-05", date(2012, 3, 4))
    assert changed_props({"first_name": "Amy", "run": "G1"}, {"first_name": "Amy", "middle": None}) == {}
    assert changed_props({"first_name": "Amy", "nickname": "A"}, {"first_name": "Aimee"}) == {
        "first_name": "Aimee", "nickname": None}


def test_a_record_that_comes_out_the_same_is_kept_and_only_what_differs_is_written(cfg):
    same_rec, renamed, moved, new_holdings = (_record("T1", "P1"), _record("T2", "P2", first_name="Bea"),
                                              _record("T3", "P3"), _record("T4", "P4"))
    digests = {r.key: "d" for r in (same_rec, renamed, moved, new_holdings)}
    old = [_in_graph(same_rec, cfg, "d", probability=0.5),
           _in_graph(_record("T2", "P2", first_name="Beatrice"), cfg, "d"),
           _in_graph(moved, cfg, "d", person_id="P9"),  # linkage now gives the record to someone else
           _in_graph(new_holdings, cfg, "old-digest")]  # its involvements, phones or addresses changed
    new = {r.key: r for r in (same_rec, renamed, moved, new_holdings)}

    kept = kept_records(old, new, digests, cfg)

    assert kept.keys == {same_rec.key, renamed.key}
    assert kept.updates == [{"eid": f"e-{renamed.key}", "props": {"first_name": "Bea"}}]
    assert kept.probability_changes == [{"eid": f"h-{same_rec.key}", "props": {"match_probability": 0.99}}]


def test_only_the_addresses_someone_moves_between_are_touched():
    state = {"P1": _state("p1", [("A-old", True)]), "P2": _state("p2", [("A-stay", True)]),
             "P3": _state("p3", [("A-gone", True)])}
    lives_at = [_lives("P1", "A-old", False), _lives("P1", "A-new", True), _lives("P2", "A-stay", True),
                _lives("P3", "A-gone", False)]  # P3 is no longer current anywhere

    assert touched_addresses(state, lives_at, {"P1", "P2", "P3"}) == ["A-gone", "A-new", "A-old"]


def test_address_history_is_updated_in_place_created_and_deleted_and_a_person_who_goes_takes_theirs():
    state = {"P1": _state("p1", [("A1", True), ("A2", False)]), "P2": _state("p2", [("A1", True)])}
    lives_at = [_lives("P1", "A1", False), _lives("P1", "A3", True)]  # P1 moved to A3 and A2 is no longer known

    changes = address_history_changes(state, lives_at, gone={"P2"}, person_eid={"P1": "p1"},
                                      address_eid={"A3": "a-A3"})

    assert changes.update == [{"eid": "l-p1-A1", "props": {"current": False}}]
    assert changes.create == [{"person": "p1", "address": "a-A3", "sources": ["housing_tenancy"], "current": True}]
    assert changes.delete == ["l-p1-A2"]  # P2's entry is removed with P2, not one by one


def _residents(*people: str, members: tuple[str, ...] | None = None, household: str | None = "h1") -> dict:
    return {"residents": [{"id": p, "eid": p.lower()} for p in people],
            "households": [] if household is None else
            [{"eid": household, "members": [[p, f"m-{p}"] for p in (people if members is None else members)]}]}


def test_a_household_someone_leaves_keeps_its_node_and_the_people_who_stay():
    residents = {"A1": _residents("P1", "P2", "P3")}
    lives_at = [_lives("P1", "A1", False), _lives("P1", "A2", True)]  # P1 moves out; P2 and P3 stay

    changes = household_changes(["A1"], residents, lives_at, affected={"P1"}, person_eid={"P1": "p1"},
                                address_eid={"A1": "a-A1", "A2": "a-A2"})

    assert changes.members_leave == ["m-P1"]
    assert changes.delete == []
    # A2 was not touched in this call: only the addresses passed are reconsidered.
    assert changes.create == [] and changes.members_join == []


def test_a_household_whose_last_resident_leaves_goes_and_one_appears_where_someone_moves_in():
    residents = {"A-1": _residents("P1"), "A-2": {"residents": [], "households": []}}
    lives_at = [_lives("P1", "A-1", False), _lives("P1", "A-2", True)]

    changes = household_changes(["A-1", "A-2"], residents, lives_at, affected={"P1"}, person_eid={"P1": "p1"},
                                address_eid={"A-1": "a-A-1", "A-2": "a-A-2"})

    assert changes.delete == ["h1"]
    assert changes.create == [{"address": "a-A-2", "id": "H-2", "members": ["p1"]}]
    assert changes.members_leave == [] and changes.members_join == []


def test_someone_moving_into_an_occupied_address_joins_its_household():
    residents = {"A1": _residents("P2")}
    lives_at = [_lives("P1", "A1", True)]

    changes = household_changes(["A1"], residents, lives_at, affected={"P1"}, person_eid={"P1": "p1"},
                                address_eid={"A1": "a-A1"})

    assert changes.members_join == [{"person": "p1", "household": "h1"}]
    assert changes.delete == [] and changes.members_leave == []


def test_a_person_whose_shown_details_differ_is_changed_and_one_whose_do_not_is_left_alone():
    person = {"first_name": "Amy", "last_name": "Shaw", "display_name": "Amy Shaw", "dob": date(2012, 3, 4),
              "sex": "F", "search_names": ["amy shaw"]}
    state = {"P1": _state("p1", [], **{**person, "dob": "2012-03-04"}),
             "P2": _state("p2", [], **{**person, "last_name": "Shore"})}

    changes = person_changes([{"id": "P1", **person}, {"id": "P2", **person}, {"id": "P3", **person}], state)

    assert [c["eid"] for c in changes] == ["p2"]
    assert changes[0]["props"]["last_name"] == "Shaw"


def test_relationships_are_compared_as_multisets():
    rel = {"from_id": "P1", "to_id": "P2", "type": "PARENT_OF", "kind": "mother", "source": "lcs"}
    now = [{**rel, "eid": "r1"}, {**rel, "eid": "r2"}, {**rel, "to_id": "P3", "eid": "r3"}]
    new = [dict(rel), {**rel, "to_id": "P4"}]  # one copy of P1->P2 dropped, P1->P3 ended, P1->P4 new

    delete, create = relationship_changes(now, new)

    assert sorted(delete) == ["r2", "r3"]
    assert create == [{**rel, "to_id": "P4"}]


def test_other_sources_records_that_linkage_rescored_are_updated():
    rec = _record("T1", "P1")
    rec.link_reasons = '{"name": "exact"}'
    other = {rec.key: {"eid": "e1", "link": "h1", "link_reasons": None, "match_probability": 0.99}}

    reasons, probabilities = other_record_changes(other, {rec.key: rec})

    assert reasons == [{"eid": "e1", "props": {"link_reasons": '{"name": "exact"}'}}]
    assert probabilities == []
