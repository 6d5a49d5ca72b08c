"""Standardisation of the oddities real extracts carry."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from linkage.sources_config import DateField, SexField, SourceConfig, SourceConfigError
from linkage.standardise import (
    DateProblem,
    address_key,
    canonical_forename,
    display_name,
    nhs_number_is_valid,
    parse_date,
    read_extract,
    read_extract_rows,
    soundex,
    standardise_address,
    standardise_name,
    standardise_nhs_number,
    standardise_phone,
    standardise_postcode,
    standardise_sex,
    standardise_source,
    standardise_upn,
    surname_key,
)

TODAY = date(2026, 11, 23)


# ------------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize("raw,expected", [
    ("o'BRIEN", "O'Brien"),
    ("SMITH - JONES", "Smith-Jones"),
    ("mcdonald", "McDonald"),
    ("MacLeod", "MacLeod"),  # deliberate mixed case is kept
    ("  sarah   ", "Sarah"),
    ("ANNE-MARIE", "Anne-Marie"),
])
def test_display_name(raw, expected):
    assert display_name(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("Bill", "william"), ("BILLY", "william"), ("Will", "william"), ("William", "william"),
    ("Mike", "michael"), ("Mikey", "michael"), ("Liz", "elizabeth"), ("Beth", "elizabeth"),
    ("Zoë", "zoe"), ("Renée", "renee"), ("Mr John", "john"), ("JOHN PAUL", "john"),
    ("Kathryn", "katherine"), ("Kate", "katherine"), ("Catherine", "katherine"),
    ("Unknown", ""), ("", ""), ("baby", ""), ("  ", ""),
    ("Alex", "alex"),  # ambiguous short forms are left alone when the sex is unknown
    ("Jackie", "jacqueline"),  # ... unless only one long form is common
])
def test_canonical_forename(raw, expected):
    assert canonical_forename(raw) == expected


def test_ambiguous_short_forms_resolved_by_sex():
    assert canonical_forename("Sam", "M") == "samuel"
    assert canonical_forename("Sam", "F") == "samantha"
    assert canonical_forename("Sam", "U") == "sam"
    assert canonical_forename("Charlie", "F") == "charlotte"


@pytest.mark.parametrize("raw,key,tokens", [
    ("Smith-Jones", "smithjones", ("smith", "jones")),
    ("Smith Jones", "smithjones", ("smith", "jones")),
    ("O'Brien", "obrien", ("obrien",)),
    ("O Brien", "obrien", ("obrien",)),
    ("Mc Donald", "mcdonald", ("mcdonald",)),
    ("van der Berg", "vanderberg", ("vander", "berg")),
    ("Nuñez", "nunez", ("nunez",)),
    ("Smith Jr", "smith", ("smith",)),
    ("UNKNOWN", "", ()),
])
def test_surname_key(raw, key, tokens):
    assert surname_key(raw) == (key, tokens)


def test_name_splits_middle_names_and_titles():
    n = standardise_name("Mrs Mary Jane", "WATSON")
    assert (n.first, n.middle, n.last, n.first_match) == ("Mary", "Jane", "Watson", "mary")
    n = standardise_name("Jean", "Dupont", middle="Luc")
    assert (n.first, n.middle) == ("Jean", "Luc")


def test_soundex():
    assert soundex("robert") == soundex("rupert") == "R163"
    assert soundex("ashcraft") == "A261"
    assert soundex("") == ""


# ------------------------------------------------------------------------------------------------ dates
@pytest.mark.parametrize("raw,formats,expected", [
    ("03/02/2014", ["%d/%m/%Y"], date(2014, 2, 3)),
    ("03-Feb-2014", ["%d-%b-%Y"], date(2014, 2, 3)),
    ("20140203", ["%Y%m%d"], date(2014, 2, 3)),
    ("2014-02-03", [], date(2014, 2, 3)),
    ("2014-02-03 00:00:00", ["%Y-%m-%d"], date(2014, 2, 3)),
    ("2014-02-03T00:00", ["%Y-%m-%d"], date(2014, 2, 3)),
    ("3/2/2014", ["%d/%m/%Y"], date(2014, 2, 3)),
    ("03/02/14", [], date(2014, 2, 3)),
    ("03/02/85", [], date(1985, 2, 3)),  # two-digit year in the future -> previous century
    ("", ["%d/%m/%Y"], None),
])
def test_parse_date(raw, formats, expected):
    assert parse_date(raw, formats, today=TODAY) == expected


@pytest.mark.parametrize("raw,reason", [
    ("31/02/2010", "impossible"),
    ("20151310", "impossible"),
    ("00/00/0000", "impossible"),
    ("01/01/2090", "future"),
    ("01/01/1850", "before 1900"),
    ("not known", "unreadable"),
])
def test_parse_date_problems(raw, reason):
    with pytest.raises(DateProblem, match=reason):
        parse_date(raw, ["%d/%m/%Y"], today=TODAY)


# ------------------------------------------------------------------------------------------------ sex
def test_sex():
    mapping = {"1": "M", "2": "F", "9": "U"}
    assert standardise_sex("1", mapping) == "M"
    assert standardise_sex("2", mapping) == "F"
    assert standardise_sex("9", mapping) == "U"
    assert standardise_sex("Female") == "F"
    assert standardise_sex("male") == "M"
    assert standardise_sex("") == "U"
    assert standardise_sex("other") == "U"


# ------------------------------------------------------------------------------------------------ postcodes
@pytest.mark.parametrize("raw,expected", [
    ("sk1 3xe", "SK1 3XE"), ("SK13XE", "SK1 3XE"), ("  sk1  3xe ", "SK1 3XE"), ("SK1-3XE", "SK1 3XE"),
    ("M11AA", "M1 1AA"), ("SK14 1KK", "SK14 1KK"), ("SK1 OXE", "SK1 0XE"), ("EC1A1BB", "EC1A 1BB"), ("", ""),
])
def test_postcode(raw, expected):
    assert standardise_postcode(raw) == expected


# ------------------------------------------------------------------------------------------------ phones
@pytest.mark.parametrize("raw,expected", [
    ("07700 900123", "07700 900123"), ("+44 7700 900123", "07700 900123"), ("+44 (0)7700 900123", "07700 900123"),
    ("0044 7700 900123", "07700 900123"), ("07700900123", "07700 900123"), ("0161 496 0123", "0161 496 0123"),
    ("(0161) 496-0123", "0161 496 0123"), ("01614960123", "0161 496 0123"), ("020 7946 0018", "020 7946 0018"),
    ("01625 123456", "01625 123456"), ("0161 496 0123 ext 12", "0161 496 0123"), ("", ""),
])
def test_phone(raw, expected):
    assert standardise_phone(raw) == expected


# ------------------------------------------------------------------------------------------------ addresses
def test_address_lines_joined_and_tidied():
    assert standardise_address(["12a high st", "heaton moor", "STOCKPORT", ""], "SK4 4AA") == \
        "12A High Street, Heaton Moor, Stockport"
    assert standardise_address(["Flat 3, 10 Church Rd,, Stockport SK1 3XE"], "SK1 3XE") == \
        "Flat 3, 10 Church Road, Stockport"
    assert standardise_address(["1 St Marys Rd"]) == "1 St Marys Road"
    assert standardise_address(["", " "]) == ""


def test_address_key():
    assert address_key("12A High Street, Heaton Moor, Stockport") == "12a high"
    assert address_key("Flat 3, 10 Church Road") == "10 church"  # first number followed by a street word
    assert address_key("Rose Cottage, Stockport") == ""


# ------------------------------------------------------------------------------------------------ identifiers
def test_nhs_number():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert standardise_nhs_number("943 476 5919") == "9434765919"
    assert standardise_nhs_number("943-476-5919") == "9434765919"
    assert standardise_nhs_number("0000000000") == "0000000000"  # passes mod 11; sources rarely hold it
    assert standardise_nhs_number("123") == ""


def test_upn():
    assert standardise_upn("a123456789012") == "A123456789012"
    assert standardise_upn("A12345") == ""


# ------------------------------------------------------------------------------------------------ a whole source
def test_standardise_source_quarantines_and_warns():
    src = SourceConfig(name="x", system="X", file="x.csv", record_id=["id"], first_name="fn", last_name="sn",
                       dob=DateField("dob", ("%d/%m/%Y",)), sex=SexField("g", {"male": "M"}), address=["a1", "a2"],
                       postcode="pc", identifiers={"nhs_number": "nhs"})
    df = pd.DataFrame([
        {"id": "1", "fn": "bill", "sn": "SMITH", "dob": "31/02/2010", "g": "Male", "a1": "1 High St", "a2": "",
         "pc": "sk13xe", "nhs": "943 476 5919"},
        {"id": "", "fn": "Ann", "sn": "Lee", "dob": "", "g": "", "a1": "", "a2": "", "pc": "", "nhs": ""},
        {"id": "1", "fn": "Ann", "sn": "Lee", "dob": "", "g": "", "a1": "", "a2": "", "pc": "", "nhs": ""},
        {"id": "3", "fn": "Unknown", "sn": "", "dob": "", "g": "", "a1": "", "a2": "", "pc": "", "nhs": ""},
        {"id": "4", "fn": "", "sn": "Khan", "dob": "01/01/2000", "g": "", "a1": "", "a2": "", "pc": "",
         "nhs": "1234567890"},
    ])
    res = standardise_source(df, src, today=TODAY)
    assert [q["reason"] for q in res.quarantine] == ["missing record id", "duplicate record id", "no usable name"]
    assert [q["row_number"] for q in res.quarantine] == [2, 3, 4]
    r = res.records.set_index("record_id")
    assert r.loc["1", "first_name"] == "Bill" and r.loc["1", "first_name_std"] == "william"
    assert r.loc["1", "dob"] == "" and r.loc["1", "postcode"] == "SK1 3XE" and r.loc["1", "sex"] == "M"
    assert r.loc["1", "nhs_number"] == "9434765919" and r.loc["1", "address"] == "1 High Street"
    assert r.loc["4", "last_name"] == "Khan" and r.loc["4", "nhs_number"] == ""  # surname alone is usable
    assert res.warnings == {"dob blanked: impossible date": 1, "nhs_number blanked: invalid": 1}
    assert len(res.records) + len(res.quarantine) == len(df)


def test_ambiguous_short_form_without_sex_keeps_both_readings():
    src = SourceConfig(name="h", system="H", file="h.csv", record_id=["id"], first_name="fn", last_name="sn")
    df = pd.DataFrame([{"id": "1", "fn": "Danny", "sn": "Miles"}, {"id": "2", "fn": "Sam", "sn": "Lee"}])
    r = standardise_source(df, src, today=TODAY).records.set_index("record_id")
    assert (r.loc["1", "first_name_std"], r.loc["1", "alt_first_name_std"]) == ("daniel", "danielle")
    assert (r.loc["2", "first_name_std"], r.loc["2", "alt_first_name_std"]) == ("samuel", "samantha")
    assert r.loc["1", "first_name"] == "Danny"  # display keeps what was written


# ------------------------------------------------------------------------------------------------ reading extracts
def test_read_extract_keeps_every_value_as_text(tmp_path):
    f = tmp_path / "x.csv"
    f.write_bytes("\ufeffid,name,nhs\n007,NA,\n008,\"Smith, Jo\nline two\",0123\n".encode("utf-8"))
    df = read_extract(f)
    assert list(df.columns) == ["id", "name", "nhs"]
    assert df.to_dict("records") == [{"id": "007", "name": "NA", "nhs": ""},
                                     {"id": "008", "name": "Smith, Jo\nline two", "nhs": "0123"}]


def test_read_extract_refuses_a_latin1_file_naming_file_and_line(tmp_path):
    f = tmp_path / "health.csv"
    f.write_bytes("id,name\n1,Jones\n2,Jönes\n".encode("latin-1"))
    with pytest.raises(SourceConfigError) as err:
        read_extract(f)
    assert str(err.value).startswith("health.csv: not UTF-8 text at line 3 (byte 19)")
    assert "nes" not in str(err.value)  # the value is not repeated (personal data)


def test_rows_with_the_wrong_number_of_fields_are_set_aside_with_their_row_number(tmp_path):
    f = tmp_path / "health.csv"
    f.write_text('id,name,dob\n1,Ann,2001-01-01\n2,"Bo\nb",2002-02-02\n3,Cy\n\n4,Di,2004-04-04,extra\n5,Ed,'
                 '2005-05-05\n6,"Fa', encoding="utf-8")
    ext = read_extract_rows(f)
    assert ext.frame["id"].tolist() == ["1", "2", "5"]
    assert ext.row_numbers.tolist() == [1, 2, 5]
    assert [(b.row_number, b.fields[0], b.reason) for b in ext.bad_rows] == [
        (3, "3", "truncated row: fewer fields than the header"),
        (4, "4", "malformed row: more fields than the header"),
        (6, "6", "truncated row: fewer fields than the header")]


def test_a_record_id_belongs_to_its_first_usable_row():
    """A nameless row does not claim its id (a later usable row with it is kept); any row after a usable one with
    the same id is a duplicate, named or not. Warnings come from kept rows only, with their row numbers."""
    src = SourceConfig(name="x", system="X", file="x.csv", record_id=["id"], first_name="fn", last_name="sn",
                       dob=DateField("dob", ("%Y-%m-%d",)))
    df = pd.DataFrame([
        {"id": "7", "fn": "Unknown", "sn": "", "dob": "2001-02-30"},
        {"id": "7", "fn": "Ann", "sn": "Lee", "dob": "2001-02-03"},
        {"id": "7", "fn": "", "sn": "", "dob": ""},
        {"id": "7", "fn": "Ann", "sn": "Lee", "dob": "2001-02-31"},
        {"id": "8", "fn": "Bo", "sn": "Ray", "dob": "2091-01-01"},
    ])
    res = standardise_source(df, src, today=TODAY, start=10)
    assert [(q["row_number"], q["reason"]) for q in res.quarantine] == [
        (10, "no usable name"), (12, "duplicate record id"), (13, "duplicate record id")]
    assert res.records[["record_id", "row_number", "dob"]].values.tolist() == [["7", 11, "2001-02-03"],
                                                                               ["8", 14, ""]]
    assert res.warnings == {"dob blanked: date in the future": 1}
    assert res.warning_examples == [{"source": "x", "row_number": 14, "record_id": "8",
                                     "warning": "dob blanked: date in the future"}]
