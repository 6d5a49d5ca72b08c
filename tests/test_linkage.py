"""run_linkage end to end: the output contract, the traps, stable ids, balanced counts, bad input."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from linkage.evaluate import score_clusters
from linkage.run import run_linkage
from linkage.sources_config import SourceConfigError, check_extracts, load_sources

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "extracts_small"
SOURCES = ROOT / "demo_town" / "sources.yaml"
PERSON_SOURCES = ["lcs", "las", "synergy", "housing_tenancy", "housing_asb", "yos", "probation", "health"]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("linked_small")
    result = run_linkage(extracts=SMALL, sources=SOURCES, out=out, engine="duckdb", quiet=True)
    return out, result


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _person(clusters: pd.DataFrame, source: str, record_id: str) -> str:
    row = clusters[(clusters.source == source) & (clusters.record_id == record_id)]
    assert len(row) == 1, (source, record_id)
    return row.person_id.iloc[0]


def test_output_files_and_columns(small_run):
    out, _ = small_run
    for name in ("clusters.csv", "standardised_records.csv", "predictions.csv", "quarantine.csv", "run_report.json",
                 "model.json"):
        assert (out / name).is_file(), name
    assert list(_read(out / "clusters.csv").columns) == ["source", "record_id", "person_id", "match_probability"]
    assert list(_read(out / "standardised_records.csv").columns) == [
        "source", "record_id", "person_id", "first_name", "middle_name", "last_name", "dob", "sex", "address",
        "postcode", "phone", "nhs_number", "upn", "lcs_id"]
    assert list(_read(out / "quarantine.csv").columns) == ["source", "file", "row_number", "record_id", "reason"]
    pred = _read(out / "predictions.csv")
    for c in ("source_l", "record_id_l", "source_r", "record_id_r", "match_probability", "match_weight",
              "gamma_first_name", "gamma_surname", "gamma_dob", "gamma_location"):
        assert c in pred.columns
    model = json.loads((out / "model.json").read_text())
    assert model["link_type"] == "link_and_dedupe" and model["comparisons"]


def test_clusters_contract(small_run):
    out, _ = small_run
    clusters = _read(out / "clusters.csv")
    assert set(clusters.source) == set(PERSON_SOURCES)
    assert all(re.fullmatch(r"P-[0-9a-f]{12}", p) for p in clusters.person_id)
    probs = clusters.match_probability.astype(float)
    assert ((probs >= 0) & (probs <= 1)).all()
    assert not clusters.duplicated(["source", "record_id"]).any()
    std = _read(out / "standardised_records.csv")
    assert (std[["source", "record_id", "person_id"]].values == clusters[["source", "record_id", "person_id"]].values).all()


def test_standardised_values(small_run):
    out, _ = small_run
    std = _read(out / "standardised_records.csv").set_index(["source", "record_id"])
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in std.dob if d)
    assert set(std.sex) <= {"M", "F", "U"}
    assert all(re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", p) for p in std.postcode if p)
    assert std.loc[("lcs", "LCS0000003"), "first_name"] == "Bill"
    assert std.loc[("lcs", "LCS0000003"), "last_name"] == "Jones"
    assert std.loc[("lcs", "LCS0000003"), "postcode"] == "SK4 4AA"
    assert std.loc[("synergy", "F623456789012-1"), "last_name"] == "Obrien"
    assert std.loc[("las", "LAS000001"), "nhs_number"] == "9000000025"
    assert std.loc[("health", "9000000122"), "dob"] == ""  # impossible date blanked, record kept
    assert std.loc[("lcs", "LCS0000002"), "phone"] == "07700 900002"  # the most recent number
    assert std.loc[("lcs", "LCS0000001"), "address"] == "12 High Street, Heaton Moor, Stockport"


def test_precision_recall_on_small_fixture(small_run):
    out, _ = small_run
    scores = score_clusters(_read(out / "clusters.csv"), _read(SMALL / "truth.csv"))
    assert scores["precision"] >= 0.98, scores
    assert scores["recall"] >= 0.9, scores


def test_twins_not_merged(small_run):
    out, _ = small_run
    c = _read(out / "clusters.csv")
    assert _person(c, "lcs", "LCS0000004") != _person(c, "lcs", "LCS0000005")
    assert _person(c, "health", "9000000041") != _person(c, "health", "9000000068")
    assert _person(c, "synergy", "B223456789012-1") != _person(c, "synergy", "C323456789012-1")
    # but each twin's own records do link
    assert _person(c, "lcs", "LCS0000004") == _person(c, "synergy", "B223456789012-1") == _person(c, "yos", "YOS0002")


def test_parent_and_child_with_same_name_not_merged(small_run):
    out, _ = small_run
    c = _read(out / "clusters.csv")
    senior, junior = _person(c, "lcs", "LCS0000007"), _person(c, "lcs", "LCS0000006")
    assert senior != junior
    assert _person(c, "housing_tenancy", "T00000003") == senior  # "Mike"
    assert _person(c, "yos", "YOS0001") == junior  # "Mikey"


def test_namesakes_not_merged(small_run):
    out, _ = small_run
    c = _read(out / "clusters.csv")
    assert _person(c, "las", "LAS000003") != _person(c, "probation", "X100003")


def test_messy_records_link(small_run):
    out, _ = small_run
    c = _read(out / "clusters.csv")
    assert _person(c, "lcs", "LCS0000003") == _person(c, "probation", "X100001") == _person(c, "housing_asb", "ASB0001")
    assert _person(c, "lcs", "LCS0000002") == _person(c, "housing_tenancy", "T00000001")  # Jones-Smith
    assert _person(c, "lcs", "LCS0000009") == _person(c, "synergy", "F623456789012-1")  # Amélie O'Brien / AMELIE OBRIEN
    assert _person(c, "lcs", "LCS0000010") == _person(c, "housing_tenancy", "T00000005")  # day/month swapped
    assert _person(c, "synergy", "E523456789012-1") == _person(c, "health", "9000000122")  # DOB blanked


def test_exact_identifier_links(small_run):
    out, _ = small_run
    c = _read(out / "clusters.csv").set_index(["source", "record_id"])
    assert c.loc[("las", "LAS000004"), "person_id"] == c.loc[("health", "4010232137"), "person_id"]
    assert c.loc[("synergy", "A123456789012-1"), "person_id"] == c.loc[("synergy", "A123456789012-2"), "person_id"]
    assert float(c.loc[("las", "LAS000004"), "match_probability"]) == 1.0
    pred = _read(out / "predictions.csv")
    assert (pred.link == "exact:nhs_number").any() and (pred.link == "exact:upn").any()


def test_counts_in_equal_linked_plus_quarantined(small_run):
    out, result = small_run
    report = json.loads((out / "run_report.json").read_text())
    clusters = _read(out / "clusters.csv")
    quarantine = _read(out / "quarantine.csv")
    for name, info in report["sources"].items():
        rows_in = len(_read(SMALL / info["file"]))
        assert info["rows_in"] == rows_in
        assert rows_in == (clusters.source == name).sum() + (quarantine.source == name).sum(), name
        assert info["linked"] + info["quarantined"] == rows_in
    assert set(quarantine.reason) == {"missing record id", "duplicate record id", "no usable name"}
    assert report["sources"]["health"]["warnings"] == {"dob blanked: impossible date": 1}
    for key in ("rows_in", "quarantined", "linked", "pairs_scored", "clusters", "timings_seconds", "engine"):
        assert key in report
    assert report["engine"] == "duckdb"
    assert result.report["clusters"] == clusters.person_id.nunique()


def test_person_ids_deterministic(small_run, tmp_path):
    out, _ = small_run
    run_linkage(extracts=SMALL, sources=SOURCES, out=tmp_path, quiet=True)
    a, b = _read(out / "clusters.csv"), _read(tmp_path / "clusters.csv")
    pd.testing.assert_frame_equal(a, b)
    assert _read(out / "standardised_records.csv").equals(_read(tmp_path / "standardised_records.csv"))


def test_person_id_survives_unrelated_new_records(small_run, tmp_path):
    """Adding an unrelated person does not change anybody else's id."""
    out, _ = small_run
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    with (ext / "probation.csv").open("a") as f:
        f.write('X199999,Quentin,Zebedee,01/01/1960,Male,"1 New Road, Stockport",SK1 9ZZ,01/01/2026,,A B,,\n')
    run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "out", quiet=True)
    before = _read(out / "clusters.csv")
    after = _read(tmp_path / "out" / "clusters.csv")
    merged = before.merge(after, on=["source", "record_id"], suffixes=("_before", "_after"))
    assert len(merged) == len(before)
    assert (merged.person_id_before == merged.person_id_after).all()


# ------------------------------------------------------------------------------------------------ bad input
def test_missing_column_is_named(tmp_path):
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    df = _read(ext / "health.csv").drop(columns=["family_name"])
    df.to_csv(ext / "health.csv", index=False)
    with pytest.raises(SourceConfigError) as err:
        run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "out", quiet=True)
    assert "health.csv" in str(err.value) and "family_name" in str(err.value)
    assert not (tmp_path / "out" / "clusters.csv").exists()


def test_run_leaves_the_garbage_collector_on(small_run, tmp_path):
    """run_linkage pauses Python's cycle collector for speed; the caller (API worker, tests) gets it back, also when
    the run fails."""
    import gc

    assert gc.isenabled()
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    _read(ext / "health.csv").drop(columns=["family_name"]).to_csv(ext / "health.csv", index=False)
    with pytest.raises(SourceConfigError):
        run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "out", quiet=True)
    assert gc.isenabled()


def test_missing_file_is_named(tmp_path):
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    (ext / "youth_justice.csv").unlink()
    (ext / "probation.csv").unlink()
    problems = check_extracts(load_sources(SOURCES), ext)
    assert any("youth_justice.csv" in p for p in problems) and any("probation.csv" in p for p in problems)
    with pytest.raises(SourceConfigError, match="youth_justice.csv"):
        run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "out", quiet=True)


def test_extract_in_the_wrong_encoding_is_named_with_its_line_before_any_work(tmp_path):
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    lines = (SMALL / "probation.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    # a Windows-1252 character late in the file, after the first 4 MB block boundary would be for a big file
    lines[3] = lines[3].replace(",", ",Caf\xe9 ", 1)
    (ext / "probation.csv").write_bytes("".join(lines).encode("cp1252"))
    problems = check_extracts(load_sources(SOURCES), ext)
    assert problems == [problems[0]] and problems[0].startswith("probation.csv: not UTF-8 text at line 4 (byte ")
    with pytest.raises(SourceConfigError, match="probation.csv: not UTF-8 text at line 4"):
        run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "out", quiet=True)
    assert not (tmp_path / "out" / "clusters.csv").exists()


def test_utf8_character_split_across_read_blocks_is_not_an_encoding_error(tmp_path, monkeypatch):
    import linkage.sources_config as sc

    monkeypatch.setattr(sc, "ENCODING_CHECK_BLOCK", 7)  # "Zoë" and "Jönes" straddle block ends somewhere
    f = tmp_path / "x.csv"
    f.write_text("id,name\n1,Zoë Jönes\n2,Siân Ó Briain\n", encoding="utf-8")
    assert sc.encoding_problem(f) is None
    f.write_bytes("id,name\n1,Zoë\n2,J".encode() + b"\xf6nes\n")
    assert sc.encoding_problem(f) == ("x.csv: not UTF-8 text at line 3 (byte 18); save the extract as UTF-8 "
                                      "(it looks like Latin-1/Windows-1252)")


def test_bad_sources_file_is_named(tmp_path):
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: lcs\n    system: LCS\n    file: x.csv\n    record_id: id\n    frist_name: a\n"
                   "  - name: las\n    file: y.csv\n    record_id: id\n")
    with pytest.raises(SourceConfigError) as err:
        load_sources(bad)
    msg = str(err.value)
    assert "frist_name" in msg and "system" in msg and "las" in msg


def test_sources_config_for_the_loader():
    cfg = load_sources(SOURCES)
    assert cfg.names == PERSON_SOURCES
    assert cfg.source("synergy").file == "education.csv"
    assert cfg.source("synergy").record_id_column == "record_id"
    assert cfg.source("health").record_id_column == "nhs_number"
    assert cfg.source("lcs").system == "Liquidlogic LCS"
    assert cfg.contact_numbers and cfg.contact_numbers.file == "contact_numbers.csv"


# ------------------------------------------------------------------------------------------------ a generated town
@pytest.fixture(scope="module")
def generated_town(tmp_path_factory):
    generate = pytest.importorskip("demo_town.generate")
    base = tmp_path_factory.mktemp("town")
    generate.generate_town(people=1500, seed=11, out=base / "extracts")
    result = run_linkage(extracts=base / "extracts", sources=SOURCES, out=base / "linked", quiet=True)
    return base, result


def test_generated_town_precision_recall(generated_town):
    base, result = generated_town
    scores = score_clusters(_read(base / "linked" / "clusters.csv"), _read(base / "extracts" / "truth.csv"))
    assert scores["precision"] >= 0.98, scores
    assert scores["recall"] >= 0.9, scores


def test_generated_town_counts_balance(generated_town):
    base, result = generated_town
    clusters = _read(base / "linked" / "clusters.csv")
    quarantine = _read(base / "linked" / "quarantine.csv")
    truth = _read(base / "extracts" / "truth.csv")
    for src in load_sources(SOURCES).sources:
        rows_in = len(_read(base / "extracts" / src.file))
        assert rows_in == (clusters.source == src.name).sum() + (quarantine.source == src.name).sum(), src.name
    # every record the truth knows about is either linked or quarantined
    keys = set(zip(clusters.source, clusters.record_id)) | set(zip(quarantine.source, quarantine.record_id))
    assert set(zip(truth.source, truth.record_id)) <= keys


# ------------------------------------------------------------------------------------------------ clustering
def test_vague_record_does_not_chain_father_and_son():
    """A DOB-less record that matches both a father and his namesake son joins only one of them."""
    from linkage.cluster import Clusterer

    c = Clusterer()
    c.add(("health", "1"), "1982-08-05", ("jason", "jason"))
    c.add(("health", "2"), "2018-05-20", ("jason", "jason"))
    c.add(("housing_asb", "9"), "", ("jason", "jason"))
    assert c.union(("housing_asb", "9"), ("health", "1"))
    assert not c.union(("housing_asb", "9"), ("health", "2"))
    ids = c.person_ids()
    assert ids[("health", "1")] == ids[("housing_asb", "9")] != ids[("health", "2")]
    assert c.refused == {"dob": 1}


def test_compatible_dobs_and_forenames():
    from linkage.cluster import dobs_compatible, forenames_compatible

    assert dobs_compatible("1984-04-02", "1984-02-04")  # day/month swapped
    assert dobs_compatible("1984-04-02", "1984-04-03")  # one digit
    assert dobs_compatible("1984-04-12", "1984-04-21")  # transposed digits
    assert not dobs_compatible("1970-03-03", "2009-08-21")
    assert forenames_compatible(("joanne", "jo"), ("joanne", "joanne"))
    assert forenames_compatible(("josie", "josie"), ("jodie", "jodie"))
    assert not forenames_compatible(("oliver", "oliver"), ("jack", "jack"))


def test_adult_only_source_does_not_join_a_child():
    """A DOB-less tenant (16+) is not the toddler of the same name at the same address."""
    from datetime import date

    from linkage.cluster import Clusterer

    c = Clusterer(today=date(2026, 11, 23))
    c.add(("housing_tenancy", "T1"), "", ("anthony", "anthony"), min_age=16)
    c.add(("health", "1"), "2020-12-25", ("anthony", "anthony"))
    c.add(("health", "2"), "1990-01-01", ("anthony", "anthony"))
    assert not c.union(("housing_tenancy", "T1"), ("health", "1"))
    assert c.union(("housing_tenancy", "T1"), ("health", "2"))
    assert c.refused == {"age": 1}


def test_fast_csv_writer_writes_what_pandas_writes(tmp_path):
    """The run's big CSVs go through linkage.csv_out.write_csv; readers (graph loader, review tools) expect exactly
    pandas' format: quoting only where needed, floats as repr, True/False, empty for missing."""
    import numpy as np
    from linkage.csv_out import write_csv

    df = pd.DataFrame({
        "text": pd.Series(["a", "", None, "12 High St, Hyde", 'say "hi"', "two\nlines", " lead", "Zoë"], dtype="str"),
        "obj": pd.Series([None, 1.5, "x", 2, None, "", float("nan"), "y"], dtype=object),
        "f": [0.1, 1e-05, 1.0, np.nan, 123456789.123, -2.5, 1e20, 0.30000000000000004],
        "b": [True, False] * 4,
        "gamma": pd.array([1, None, 3, 4, 5, 6, 7, -8], dtype="Int64"),
        "n": np.arange(8)})
    for frame in (df, df.iloc[:0], df.iloc[2:3], df[["n"]].iloc[1:]):
        write_csv(frame, tmp_path / "fast.csv")
        frame.to_csv(tmp_path / "pandas.csv", index=False)
        assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
