"""How the loader decides a person's shown name, current address and household."""
from datetime import date

from graph_loader.people import StandardRecord, address_id, address_rows, household_rows, person_row


def record(source, first, last, address, postcode="SK7 7BT", dob=date(2016, 1, 16), extracted=date(2026, 11, 20),
           person="P-1", rid="1"):
    return StandardRecord(source, rid, person, 1.0, first, last, dob, "M", address, postcode, extracted)


def test_one_dwelling_however_it_is_written_but_flats_stay_apart():
    assert address_id("2 Smith Close, Bramhall, Stockport", "SK7 7BT") == address_id("2 Smith Cl, Stockport", "sk77bt")
    assert address_id("10 High Street Flat 2", "SK1 1AA") == address_id("Flat 2, 10 High St", "SK1 1AA")
    assert address_id("Flat 2, 10 High St", "SK1 1AA") != address_id("Flat 3, 10 High St", "SK1 1AA")
    assert address_id("2 Smith Close", "SK7 7BT") != address_id("2 Smith Close", "SK7 7BU")


def test_shown_name_is_what_most_systems_agree_on():
    row = person_row("P-1", [record("lcs", "Graeme", "Baker", "x"), record("health", "Graeme", "Baker", "x"),
                             record("synergy", "Graham", "Baker", "x")])
    assert row["display_name"] == "Graeme Baker"
    assert set(row["search_names"].split()) == {"graeme", "graham", "baker"}


def test_current_address_is_the_one_most_systems_hold_and_old_ones_are_kept():
    records = [record("lcs", "G", "B", "2 Smith Close", rid="a"), record("health", "G", "B", "2 Smith Cl", rid="b"),
               record("synergy", "G", "B", "9 Old Road", "SK1 1AA", rid="c")]
    lives, recorded = address_rows(records)
    current = [row for row in lives if row["current"]]
    assert len(current) == 1 and current[0]["sources"] == ["health", "lcs"]
    assert len(lives) == 2 and len(recorded) == 3


def test_a_household_is_everyone_currently_at_one_address():
    lives = [{"person_id": "P-1", "address_id": "A-1", "current": True},
             {"person_id": "P-2", "address_id": "A-1", "current": True},
             {"person_id": "P-3", "address_id": "A-1", "current": False},
             {"person_id": "P-3", "address_id": "A-2", "current": True}]
    households = {h["address_id"]: h["members"] for h in household_rows(lives)}
    assert households == {"A-1": ["P-1", "P-2"], "A-2": ["P-3"]}
