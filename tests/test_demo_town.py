"""Invariants of the demo town generator, checked on a small town against docs/extracts.md (the contract)."""
from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from demo_town.generate import generate_town
from demo_town.ids import nhs_check_digit, nhs_number_valid, upn_check_letter
from demo_town.nicknames import NICKNAMES

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "docs" / "extracts.md"
PEOPLE = 5000
SEED = 7
PERSON_FILES = {"lcs": "childrens_social_care.csv", "las": "adult_social_care.csv", "synergy": "education.csv",
                "housing_tenancy": "housing_tenancies.csv", "housing_asb": "housing_asb.csv",
                "yos": "youth_justice.csv", "probation": "probation.csv", "health": "health.csv"}


def contract_headers() -> dict[str, list[str]]:
    """file -> columns, read from the markdown tables of docs/extracts.md (not from the generator's code)."""
    headers: dict[str, list[str]] = {}
    current = None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## `([a-z_]+\.csv)`", line)
        if m:
            current = m.group(1)
            headers[current] = []
            continue
        if line.startswith("## "):
            current = None
        if current and line.startswith("| ") and not line.startswith("| column") and not line.startswith("| ---"):
            first_cell = line.split("|")[1]
            headers[current] += re.findall(r"`([a-z0-9_]+)`", first_cell)
        if current == "truth.csv" and line.startswith("`source, record_id"):
            headers[current] = [c.strip() for c in line.split("`")[1].split(",")]
    # The contract says the education file's first column is a `record_id` column it describes in prose.
    headers["education.csv"].insert(0, "record_id")
    return headers


def read(town: Path, file: str) -> list[dict[str, str]]:
    with open(town / file, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("town")
    generate_town(people=PEOPLE, seed=SEED, out=out, progress=False)
    return out


@pytest.fixture(scope="module")
def truth(town) -> dict[tuple[str, str], str]:
    return {(r["source"], r["record_id"]): r["true_person_id"] for r in read(town, "truth.csv")}


def test_contract_parser_sees_every_file():
    headers = contract_headers()
    assert set(PERSON_FILES.values()) | {"childrens_social_care_relationships.csv", "contact_numbers.csv",
                                         "staff_directory.csv", "truth.csv"} == set(headers)
    assert headers["childrens_social_care.csv"][:3] == ["lcs_id", "forename", "surname"]
    assert headers["truth.csv"] == ["source", "record_id", "true_person_id"]


def test_every_file_has_exactly_the_contract_header(town):
    for file, header in contract_headers().items():
        with open(town / file, newline="", encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == header, file
    assert (town / "manifest.json").exists()


def test_record_ids_unique_and_truth_is_a_bijection(town, truth):
    seen = set()
    for source, file in PERSON_FILES.items():
        rows = read(town, file)
        id_col = contract_headers()[file][0]
        ids = [r[id_col] for r in rows]
        assert ids and all(ids), file
        assert len(ids) == len(set(ids)), f"duplicate record ids in {file}"
        for rid in ids:
            assert (source, rid) in truth, (source, rid)
            seen.add((source, rid))
    assert seen == set(truth), "truth rows that refer to no record"
    assert len(read(town, "truth.csv")) == len(truth)


def test_manifest_matches_files(town):
    manifest = json.loads((town / "manifest.json").read_text())
    assert manifest["seed"] == SEED and manifest["people"] == PEOPLE
    generated = date.fromisoformat(manifest["generated_at"])
    assert set(manifest["sources"]) == set(PERSON_FILES)
    for source, info in manifest["sources"].items():
        assert info["file"] == PERSON_FILES[source]
        assert info["rows"] == len(read(town, info["file"])) > 0, source
        extracted = date.fromisoformat(info["extracted_at"])
        assert extracted < generated and info["coverage_to"] == info["extracted_at"]
        assert date.fromisoformat(info["coverage_from"]) <= extracted


def test_same_seed_same_bytes_different_seed_different(town, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    generate_town(people=PEOPLE, seed=SEED, out=again, progress=False)
    generate_town(people=PEOPLE, seed=SEED + 1, out=other, progress=False)
    files = sorted(p.name for p in town.iterdir())
    assert files == sorted(p.name for p in again.iterdir())
    for name in files:
        assert (town / name).read_bytes() == (again / name).read_bytes(), name
    assert (town / "health.csv").read_bytes() != (other / "health.csv").read_bytes()
    assert (town / "truth.csv").read_bytes() != (other / "truth.csv").read_bytes()


def _uk(s: str) -> date | None:
    return datetime.strptime(s, "%d/%m/%Y").date() if s else None


def test_relationships_are_consistent(town):
    people = {r["lcs_id"]: r for r in read(town, "childrens_social_care.csv")}
    rels = read(town, "childrens_social_care_relationships.csv")
    assert rels
    kinds = Counter(r["relationship"] for r in rels)
    assert set(kinds) <= {"mother", "father", "step-parent", "sibling", "carer", "other"}
    assert kinds["mother"] and kinds["father"] and kinds["sibling"]
    checked = 0
    for r in rels:
        assert r["lcs_id"] in people and r["related_lcs_id"] in people, r
        assert r["lcs_id"] != r["related_lcs_id"]
        child, rel = people[r["lcs_id"]], people[r["related_lcs_id"]]
        assert child["person_type"] == "child"
        if r["relationship"] in ("mother", "father"):
            assert rel["person_type"] == "adult"
            assert rel["gender"] == ("F" if r["relationship"] == "mother" else "M")
            if child["dob"] and rel["dob"]:  # at least 12 years older even if a day/month swap crept in
                assert (_uk(child["dob"]) - _uk(rel["dob"])).days > 12 * 365
                checked += 1
    assert checked > 5


def test_open_cases_and_adults(town):
    rows = read(town, "childrens_social_care.csv")
    for r in rows:
        if r["person_type"] == "adult":
            assert r["case_status"] == "" and r["case_start_date"] == "" and r["allocated_worker"] == ""
        else:
            assert r["case_status"] in ("open", "closed") and r["case_start_date"]
            assert (r["case_end_date"] == "") == (r["case_status"] == "open")


def test_the_mess_is_present(town, truth):
    forenames: dict[str, set[str]] = defaultdict(set)
    surnames: dict[str, set[str]] = defaultdict(set)
    columns = {"lcs": ("forename", "surname", "dob", "postcode"),
               "las": ("first_name", "last_name", "date_of_birth", "postcode"),
               "housing_tenancy": ("forename", "surname", "dob", "postcode"),
               "housing_asb": ("forename", "surname", "dob", "postcode"),
               "probation": ("forename", "surname", "dob", "postcode"),
               "health": ("given_name", "family_name", "birth_date", "postcode")}
    missing_dob = unspaced_postcode = 0
    for source, (fn, sn, dob, pc) in columns.items():
        file = PERSON_FILES[source]
        id_col = contract_headers()[file][0]
        for r in read(town, file):
            pid = truth[(source, r[id_col])]
            forenames[pid].add(r[fn].lower())
            surnames[pid].add(r[sn].lower())
            missing_dob += r[dob] == ""
            unspaced_postcode += " " not in r[pc]
    assert sum(len(v) > 1 for v in forenames.values()) >= 5, "no nickname/typo pairs in truth"
    assert sum(len(v) > 1 for v in surnames.values()) >= 5, "no changed or mistyped surnames"
    assert missing_dob > 0
    assert unspaced_postcode > 0
    pairs = {(a, b) for names in forenames.values() for a in names for b in names if a != b}
    nickname_pairs = {(formal.lower(), nick.lower()) for formal, (nicks, _) in NICKNAMES.items() for nick in nicks}
    assert pairs & nickname_pairs, "no nickname pairs (Bill/William) among one person's records"
    assert any(len(a) >= 4 and _one_edit(a, b) for a, b in pairs), "no typo pairs among one person's records"


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter dropped, doubled, changed, or two neighbours transposed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _homes(town: Path) -> list[list[dict]]:
    by_home: dict[tuple, list[dict]] = defaultdict(list)
    for r in read(town, "health.csv"):
        by_home[(r["address"].lower(), r["family_name"])].append(r)
    return list(by_home.values())


def test_twins_exist(town):
    twins = 0
    for rows in _homes(town):
        dobs = Counter(r["birth_date"] for r in rows if r["birth_date"] >= "2009")  # children born together
        twins += any(n >= 2 for n in dobs.values())
    assert twins > 0, "no twins (same surname, DOB and address)"


def test_parent_and_child_share_a_name(town):
    same_name_parent = 0
    for rows in _homes(town):
        for name, n in Counter(r["given_name"] for r in rows).items():
            if n >= 2:
                years = sorted(int(r["birth_date"][:4]) for r in rows if r["given_name"] == name and r["birth_date"])
                same_name_parent += len(years) >= 2 and years[-1] - years[0] >= 16
    assert same_name_parent > 0, "no parent and child sharing a name"


def test_unrelated_namesakes_exist(town, truth):
    """Different people, same name, born within a year or so of each other, at different addresses."""
    by_name: dict[tuple, list[dict]] = defaultdict(list)
    for r in read(town, "health.csv"):
        if r["birth_date"]:
            by_name[(r["given_name"], r["family_name"])].append(r)
    namesakes = 0
    for rows in by_name.values():
        for a in rows:
            for b in rows:
                if truth[("health", a["nhs_number"])] != truth[("health", b["nhs_number"])] and \
                        a["address"] != b["address"] and abs(int(a["birth_date"][:4]) - int(b["birth_date"][:4])) <= 1:
                    namesakes += 1
    assert namesakes > 0


def test_dual_registration(town):
    rows = read(town, "education.csv")
    by_upn: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        assert r["record_id"] == f"{r['upn']}-{r['registration_seq']}"
        assert len(r["upn"]) == 13 and r["upn"][0] == upn_check_letter(r["upn"][1:])
        by_upn[r["upn"]].append(r["registration_type"])
    duals = 0
    for types in by_upn.values():
        if "dual_subsidiary" in types or "dual_main" in types:
            assert types.count("dual_main") == 1 and types.count("dual_subsidiary") >= 1
            duals += 1
        else:
            assert types == ["single"]
    assert duals > 0


def test_nhs_numbers_pass_modulus_11(town):
    assert nhs_number_valid("9434765919") and not nhs_number_valid("9434765918")
    assert nhs_check_digit("943476591") == 9
    health = [r["nhs_number"] for r in read(town, "health.csv")]
    assert health and all(nhs_number_valid(n) and len(n) == 10 for n in health)
    las = [r["nhs_number"] for r in read(town, "adult_social_care.csv") if r["nhs_number"]]
    assert las and all(nhs_number_valid(n) for n in las)
    assert any(" " in n for n in las) or len(las) < 10


def test_staff_directory_covers_every_practitioner(town):
    staff = {r["name"]: r for r in read(town, "staff_directory.csv")}
    assert len({r["staff_id"] for r in staff.values()}) == len(staff)
    named = {("childrens_social_care.csv", "allocated_worker", None),
             ("adult_social_care.csv", "worker_name", "worker_email"),
             ("education.csv", "school_contact_name", None),
             ("housing_tenancies.csv", "housing_officer", "officer_email"),
             ("housing_asb.csv", "housing_officer", None),
             ("youth_justice.csv", "worker_name", "worker_email"),
             ("probation.csv", "practitioner_name", "practitioner_email"),
             ("health.csv", "practitioner_name", "practitioner_email")}
    filled = 0
    for file, name_col, email_col in named:
        names = [r for r in read(town, file) if r[name_col]]
        assert names, file
        for r in names:
            assert r[name_col] in staff, (file, r[name_col])
            if email_col and not r[email_col]:
                assert staff[r[name_col]]["email"]
                filled += 1
    assert filled > 0, "no blank emails for the directory to fill"


def test_contact_numbers_refer_to_records_and_some_are_stale(town, truth):
    rows = read(town, "contact_numbers.csv")
    assert rows
    per_record: dict[tuple, list[str]] = defaultdict(list)
    for r in rows:
        assert (r["source"], r["source_record_id"]) in truth
        assert r["phone_type"] in ("mobile", "home", "work")
        per_record[(r["source"], r["source_record_id"])].append(r["updated_at"])
    multi = [d for d in per_record.values() if len(d) > 1]
    assert multi and any(min(d) < "2024-01-01" for d in multi)
    assert {r["source"] for r in rows} >= {"lcs", "las", "health", "housing_tenancy"}


def test_age_gates(town):
    generated = date.fromisoformat(json.loads((town / "manifest.json").read_text())["generated_at"])
    for r in read(town, "probation.csv"):
        if r["dob"]:
            assert (generated - _uk(r["dob"])).days >= 17 * 365
    for r in read(town, "youth_justice.csv"):
        age = (generated - date.fromisoformat(r["dob"])).days / 365.25 if r["dob"] else 14
        assert 9 <= age <= 19


def test_asb_one_row_per_person_per_case(town, truth):
    rows = read(town, "housing_asb.csv")
    pairs = [(r["asb_case_ref"], truth[("housing_asb", r["asb_party_id"])]) for r in rows]
    assert len(pairs) == len(set(pairs))
    by_case = defaultdict(set)
    for r in rows:
        by_case[r["asb_case_ref"]].add(r["role"])
        assert r["case_opened"][-4:] >= "2010" and r["asb_case_ref"].split("/")[1] == r["case_opened"][-4:]
    assert all("perpetrator" in roles for roles in by_case.values())


def test_housing_rules(town):
    rows = read(town, "housing_tenancies.csv")
    current = [r for r in rows if not r["tenancy_end"]]
    assert current and len(current) < len(rows), "need both current and former tenants"
    assert any(float(r["arrears_weeks"]) > 6 for r in current)
    assert any(r["nosp_date"] and _uk(r["nosp_date"]) >= date(2025, 11, 23) for r in current)
    for r in rows:
        if r["eviction_proceedings_date"]:
            assert r["nosp_date"] and _uk(r["eviction_proceedings_date"]) >= _uk(r["nosp_date"])
        if r["tenancy_end"]:
            assert _uk(r["tenancy_end"]) > _uk(r["tenancy_start"])


def test_population_relationships_are_plausible():
    """The truth itself, before any mess: parents' sex and age gaps, carers, household sizes, ages 0-95."""
    import random as _random

    from demo_town.pools import Pools
    from demo_town.population import Population

    pop = Population(_random.Random(3), Pools(3, 3000))
    people = 0
    kinds = Counter()
    for chunk in pop.chunks(3000, 1000):
        for hh in chunk:
            kinds[hh.kind] += 1
            assert hh.members
            for p in hh.members:
                people += 1
                assert 0 <= p.age <= 95 and p.hh is hh
                for rel, kind in p.rels:
                    assert rel is not p and (p.age < 18 or hh.kind == "couple_adult_kids")
                    if kind in ("mother", "father"):
                        assert rel.sex == ("F" if kind == "mother" else "M")
                        assert rel.age - p.age >= 16, (kind, rel.age, p.age)
                    if kind == "carer":
                        assert rel.age >= 36 and rel.hh is hh
                    if kind == "sibling":
                        assert rel.hh is hh and (p, "sibling") in rel.rels
    assert people == 3000 == pop.n_people
    assert {"alone", "couple", "couple_kids", "single_parent", "step"} <= set(kinds)
