"""Safe loads against a real Neo4j of their own (the shared one other tests read is never touched here).

Idempotency, a load killed half-way (and Neo4j killed and restarted while it was), a bad batch, bad input quarantined
with reasons and counts, and the one-source refresh (same graph as a full load of the same input; refuses when the
new linkage moved other sources' records; killed half-way leaves the published graph as it was).
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from family_context.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"
PEOPLE, SEED = 400, 23
# db.memory.transaction.max for the memory test: Neo4j hands a transaction memory 2 MiB at a time, so this lets each
# transaction have one grant: enough for the server's own start and the refresh's bookkeeping, not for staging every
# housing record of this town again.
TRANSACTION_CAP = "2m"


@pytest.fixture(scope="module")
def neo4j(tmp_path_factory):
    from family_context.neo4j_server import running_neo4j

    with running_neo4j(tmp_path_factory.mktemp("load-neo4j")) as settings:
        yield settings


@pytest.fixture(scope="module")
def small_town(tmp_path_factory) -> tuple[Path, Path]:
    from demo_town.generate import generate_town
    from linkage.run import run_linkage

    base = tmp_path_factory.mktemp("load-town")
    generate_town(people=PEOPLE, seed=SEED, out=base / "extracts")
    run_linkage(extracts=base / "extracts", sources=SOURCES, out=base / "linked", engine="duckdb")
    return base / "extracts", base / "linked"


@pytest.fixture(autouse=True)
def no_grace(monkeypatch):
    monkeypatch.setattr("graph_loader.runs.GRACE_SECONDS", 0.0)


def _driver(settings):
    from family_context.neo4j_client import get_driver

    return get_driver(settings)


def _load(settings, town, **kw):
    from graph_loader.load import load_graph

    extracts, linked = town
    return load_graph(extracts=extracts, linked=linked, sources=SOURCES, settings=settings, **kw)


def _published(settings) -> str | None:
    from graph_loader.runs import published_run

    return published_run(_driver(settings))


def _data_nodes(settings) -> int:
    """Every node except the load's own bookkeeping (LoadRun, Migration, Published)."""
    return _driver(settings).execute_query(
        "MATCH (n) WHERE NOT n:LoadRun AND NOT n:Migration AND NOT n:Published RETURN count(n) AS n").records[0]["n"]


def _run_nodes(settings, run: str) -> int:
    return _driver(settings).execute_query("MATCH (n) WHERE n.run = $run RETURN count(n) AS n", run=run
                                           ).records[0]["n"]


def _load_run(settings, run: str) -> dict:
    return _driver(settings).execute_query("MATCH (l:LoadRun {id: $run}) RETURN l", run=run).records[0]["l"]


def _api_person(settings, person_id: str) -> dict | None:
    """What the API's person page reads, through the same named query."""
    from cypher import query

    rows = _driver(settings).execute_query(query("api/person_page"), id=person_id, case_sources=["lcs"]).records
    return rows[0].data() if rows else None


def _env(settings, **extra) -> dict:
    return {**os.environ, "FC_VAR_DIR": str(settings.var_dir), "FC_NEO4J_BOLT_PORT": str(settings.neo4j_bolt_port),
            "FC_LOAD_GRACE_SECONDS": "0", **extra}


def _cli_load(settings, town, *args, **env) -> subprocess.Popen:
    extracts, linked = town
    return subprocess.Popen(
        [sys.executable, "-m", "family_context.cli", "load", "--extracts", str(extracts), "--linked", str(linked),
         "--sources", str(SOURCES), *args],
        env=_env(settings, **env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=PROJECT_ROOT)


def _wait_paused(proc: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if line.startswith("PAUSED"):
            return line
    proc.kill()
    raise AssertionError("the load never paused:\n" + "".join(seen)[-3000:])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _copy_town(town, dest: Path) -> tuple[Path, Path]:
    extracts, _ = town
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(extracts, dest / "extracts")
    return dest / "extracts", dest / "linked"


def _link(extracts: Path, linked: Path) -> None:
    from linkage.run import run_linkage

    run_linkage(extracts=extracts, sources=SOURCES, out=linked, engine="duckdb")


# ------------------------------------------------------------------------------------------------------ full loads


def test_the_same_load_twice_leaves_identical_counts_and_content(neo4j, small_town):
    from graph_loader.inspect import digest, generation_counts

    first = _load(neo4j, small_town)
    counts, content, nodes = generation_counts(_driver(neo4j)), digest(_driver(neo4j)), _data_nodes(neo4j)
    second = _load(neo4j, small_town)
    assert _published(neo4j) == second.run_id != first.run_id
    assert generation_counts(_driver(neo4j)) == counts
    assert digest(_driver(neo4j)) == content
    assert _data_nodes(neo4j) == nodes, "the previous generation is removed once the new one is published"
    assert _run_nodes(neo4j, first.run_id) == 0
    assert counts["nodes"]["Person"] > PEOPLE * 0.8


def _csv_cells(line: str) -> list[str | None]:
    """One line of a file graph_loader/csv_load.py wrote, as Neo4j's LOAD CSV reads it: an empty cell is null, a
    quoted one a string (the loader quotes every non-null text)."""
    cells = re.findall(r'(?:^|,)("(?:[^"]|"")*"|[^,"]*)', line.rstrip("\n"))
    return [None if c == "" else c[1:-1].replace('""', '"') if c.startswith('"') else c for c in cells]


def test_rows_of_a_failed_concurrent_transaction_are_written_again_alone(neo4j, small_town, monkeypatch):
    """Two concurrent transactions can deadlock; Neo4j rolls one back and returns its rows, which the load writes
    again one transaction at a time. Simulated: every step's first pass writes only half its rows and hands the other
    half back as failed. The graph must come out exactly as a normal load's."""
    from graph_loader import csv_load
    from graph_loader.inspect import digest, generation_counts

    _load(neo4j, small_town)
    counts, content = generation_counts(_driver(neo4j)), digest(_driver(neo4j))
    real = csv_load._run_step

    def half_fails(driver, step, folder, path, run, concurrency):
        if concurrency == 1:
            return real(driver, step, folder, path, run, concurrency)
        header, *lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert all(line.count('"') % 2 == 0 for line in lines), "a value spans lines: the simulation needs one a line"
        kept, failed = lines[: len(lines) // 2], lines[len(lines) // 2:]
        path.write_text(header + "".join(kept), encoding="utf-8")
        written, _, _ = real(driver, step, folder, path, run, concurrency)
        names = header.rstrip("\n").split(",")
        return written, [dict(zip(names, _csv_cells(line))) for line in failed], "simulated deadlock"

    monkeypatch.setattr(csv_load, "_run_step", half_fails)
    report = _load(neo4j, small_town)
    assert report.written["involvements_retried_alone"] > 0
    assert generation_counts(_driver(neo4j)) == counts
    assert digest(_driver(neo4j)) == content


def test_a_load_killed_half_way_leaves_the_previous_graph_serving_and_a_rerun_finishes(neo4j, small_town):
    from family_context import neo4j_server
    from family_context.neo4j_client import close_drivers
    from graph_loader.inspect import digest, generation_counts

    _load(neo4j, small_town)
    before_run, before_counts, before_digest = _published(neo4j), generation_counts(_driver(neo4j)), \
        digest(_driver(neo4j))
    some_person = _driver(neo4j).execute_query(
        "MATCH (g:Published) MATCH (p:Person {run: g.run}) WHERE p.id IS NOT NULL RETURN p.id AS id LIMIT 1"
    ).records[0]["id"]
    page_before = _api_person(neo4j, some_person)

    proc = _cli_load(neo4j, small_town, FC_LOAD_PAUSE_AFTER_BATCHES="4")
    _wait_paused(proc)
    killed_run = _driver(neo4j).execute_query(
        "MATCH (l:LoadRun {status: 'running'}) RETURN l.id AS id, l.batches AS batches").records[0]
    assert killed_run["batches"] == 4
    assert _run_nodes(neo4j, killed_run["id"]) > 0, "the killed load had written part of its generation"
    # Mid-load, readers see exactly the previous generation.
    assert _published(neo4j) == before_run
    assert _api_person(neo4j, some_person) == page_before
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()

    # Neo4j crashes too and comes back: still the previous generation, whole.
    assert neo4j_server.kill(neo4j) == 0
    close_drivers()
    assert neo4j_server.start(neo4j) == 0
    assert _published(neo4j) == before_run
    assert generation_counts(_driver(neo4j)) == before_counts
    assert digest(_driver(neo4j)) == before_digest
    assert _api_person(neo4j, some_person) == page_before

    rerun = _load(neo4j, small_town)
    assert _published(neo4j) == rerun.run_id
    assert generation_counts(_driver(neo4j)) == before_counts
    assert digest(_driver(neo4j)) == before_digest
    assert _run_nodes(neo4j, killed_run["id"]) == 0, "the half-written generation is removed"
    assert _load_run(neo4j, killed_run["id"])["status"] == "abandoned"


def test_a_bad_batch_fails_the_load_and_changes_nothing_readers_see(neo4j, small_town, monkeypatch):
    from graph_loader.batches import LoadWriteError
    from graph_loader.inspect import digest

    _load(neo4j, small_town)
    before_run, before_digest = _published(neo4j), digest(_driver(neo4j))
    monkeypatch.setenv("FC_LOAD_FAIL_AFTER_BATCHES", "3")
    with pytest.raises(LoadWriteError, match="injected failure"):
        _load(neo4j, small_town)
    failed = _driver(neo4j).execute_query(
        "MATCH (l:LoadRun {status: 'failed'}) WHERE l.removed_at IS NULL RETURN l.id AS id, l.error AS error"
    ).records[0]
    assert "injected failure" in failed["error"]
    assert _published(neo4j) == before_run and digest(_driver(neo4j)) == before_digest
    monkeypatch.delenv("FC_LOAD_FAIL_AFTER_BATCHES")
    _load(neo4j, small_town)
    assert _run_nodes(neo4j, failed["id"]) == 0
    assert digest(_driver(neo4j)) == before_digest


def test_a_second_load_refuses_while_one_is_alive(neo4j, small_town):
    from graph_loader.runs import LoadInProgress

    _load(neo4j, small_town)
    proc = _cli_load(neo4j, small_town, FC_LOAD_PAUSE_AFTER_BATCHES="1")
    try:
        _wait_paused(proc)
        with pytest.raises(LoadInProgress):
            _load(neo4j, small_town)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


# ------------------------------------------------------------------------------------------------------- bad input


def test_bad_input_is_quarantined_with_reasons_and_counted(neo4j, small_town, tmp_path):
    extracts, linked = _copy_town(small_town, tmp_path / "bad")
    lcs = _rows(extracts / "childrens_social_care.csv")
    rels = _rows(extracts / "childrens_social_care_relationships.csv")
    rels.append({"lcs_id": rels[0]["lcs_id"], "related_lcs_id": "LCS9999999", "relationship": "mother"})
    _write_rows(extracts / "childrens_social_care_relationships.csv", rels)
    phones = _rows(extracts / "contact_numbers.csv")
    phones.append({**phones[0], "source": "las", "source_record_id": "LAS999999"})
    _write_rows(extracts / "contact_numbers.csv", phones)
    yos = _rows(extracts / "youth_justice.csv")
    duplicated = yos[0]["yos_id"]
    yos.append(dict(yos[0]))
    _write_rows(extracts / "youth_justice.csv", yos)
    probation = _rows(extracts / "probation.csv")
    future = probation[0]["crn"]
    probation[0]["supervision_start"] = "01/01/2031"
    _write_rows(extracts / "probation.csv", probation)
    las = _rows(extracts / "adult_social_care.csv")
    row = next(r for r in las if r["worker_name"])
    backwards = row["las_id"]
    row["referral_start_date"], row["referral_end_date"] = "2024-06-01", "2023-06-01"
    _write_rows(extracts / "adult_social_care.csv", las)
    tenancies = _rows(extracts / "housing_tenancies.csv")
    not_a_date = tenancies[0]["tenant_ref"]
    tenancies[0]["tenancy_start"] = "31/02/2020"
    _write_rows(extracts / "housing_tenancies.csv", tenancies)
    _link(extracts, linked)

    report = _load(neo4j, (extracts, linked))
    reasons = {(q["source"], q["record_id"]): q["reason"] for q in _rows(linked / "load_quarantine.csv")}
    assert "not loaded" in reasons[("lcs_relationships", f"{rels[0]['lcs_id']}->LCS9999999")]
    assert "not loaded" in reasons[("contact_numbers", "las:LAS999999")]
    assert "appears 2 times" in reasons[("yos", duplicated)]
    assert "after the extract date" in reasons[("probation", future)]
    assert "before start" in reasons[("las", backwards)]
    assert "tenancy_start" in reasons[("housing_tenancy", not_a_date)]
    assert all(q["file"] and q["row_number"] for q in _rows(linked / "load_quarantine.csv"))

    # Every row in is loaded or quarantined, per source, and the graph says the same.
    files = {"lcs": lcs, "yos": yos, "probation": probation, "las": las, "housing_tenancy": tenancies,
             "lcs_relationships": rels, "contact_numbers": phones}
    for source, rows in files.items():
        counts = report.counts[source]
        assert counts.rows_in == len(rows) == counts.rows_loaded + counts.rows_quarantined, source
    extracts_in_graph = {r["s"]["source"]: r["s"] for r in _driver(neo4j).execute_query(
        "MATCH (g:Published) MATCH (s:SourceExtract {run: g.run}) RETURN s").records}
    assert extracts_in_graph["probation"]["rows_quarantined"] == report.counts["probation"].rows_quarantined >= 1
    # Quarantined records are nowhere in the graph; the graph is consistent (every record has its one person).
    keys = [f"yos:{duplicated}", f"probation:{future}", f"las:{backwards}", f"housing_tenancy:{not_a_date}"]
    assert _driver(neo4j).execute_query(
        "MATCH (g:Published) MATCH (r:SourceRecord {run: g.run}) WHERE r.key IN $keys RETURN count(r) AS n",
        keys=keys).records[0]["n"] == 0
    assert _driver(neo4j).execute_query(
        "MATCH (g:Published) MATCH (r:SourceRecord {run: g.run}) WHERE r.key IS NOT NULL "
        "AND COUNT { (r)<-[:HAS_RECORD]-(:Person) } <> 1 RETURN count(r) AS n").records[0]["n"] == 0


# ---------------------------------------------------------------------------------------------- one-source refresh


def test_a_records_holds_digest_changes_with_what_it_holds_and_not_with_order():
    """A refresh keeps a record whose stored digest matches (graph_loader/prepare.py holds_digests)."""
    from datetime import date

    from graph_loader.prepare import holds_digests

    inv = {"record_key": "h:1", "service_key": "housing", "practitioner_id": None,
           "props": {"id": "h:1:1", "status": "Current", "start_date": date(2020, 1, 2), "detail_labels": ["Arrears"],
                     "detail_values": ["6 weeks"]}}
    phones = [{"record_key": "h:1", "number": "07700 900123", "type": "mobile", "updated_at": date(2024, 5, 1)},
              {"record_key": "h:1", "number": "0161 496 0000", "type": None, "updated_at": None}]
    addresses = [{"record_key": "h:1", "address_id": "A-1"}, {"record_key": "h:2", "address_id": "A-2"}]
    base = holds_digests(["h:1", "h:2"], [inv], phones, addresses)
    assert base == holds_digests(["h:1", "h:2"], [inv], phones[::-1], addresses[::-1])
    changed = {**inv, "props": {**inv["props"], "detail_values": ["12 weeks"]}}
    assert holds_digests(["h:1"], [changed], phones, addresses)["h:1"] != base["h:1"]
    assert holds_digests(["h:1"], [inv], phones[:1], addresses)["h:1"] != base["h:1"]
    assert holds_digests(["h:1"], [{**inv, "practitioner_id": "PR-1"}], phones, addresses)["h:1"] != base["h:1"]
    assert holds_digests(["h:2"], [inv], phones, addresses)["h:2"] == base["h:2"] != base["h:1"]


def _new_housing_extract(town, dest: Path) -> tuple[Path, Path]:
    extracts, linked = _copy_town(town, dest)
    rows = _rows(extracts / "housing_tenancies.csv")
    rows = rows[5:]
    for row in rows[:10]:
        row["arrears_weeks"] = "12.5"
    rows.append({**rows[0], "tenant_ref": "T09999999", "forename": "Zebedee", "surname": "Quartermaine",
                 "dob": "01/02/1980", "tenancy_end": ""})
    _write_rows(extracts / "housing_tenancies.csv", rows)
    _link(extracts, linked)
    return extracts, linked


def _without_probabilities(rows: list[dict]) -> list[dict]:
    # Re-linking re-estimates every match probability and the weights in every record's link reasons; a one-source
    # refresh updates them only for the people it touches, and leaves everyone else's as the last full load wrote.
    def plain(record: str) -> str:
        record = re.sub(r"^([^|]*)\|[0-9.e-]+\|", r"\1|P|", record)
        return re.sub(r"\|\[\{\"other\".*?\}\]\|", "|R|", record)

    return [{**row, "records": [plain(r) for r in row["records"]]} for row in rows]


def test_refreshing_one_source_gives_the_graph_a_full_load_of_the_same_input_gives(neo4j, small_town, tmp_path):
    from graph_loader.inspect import digest_rows, generation_counts

    _load(neo4j, small_town)
    generation = _published(neo4j)
    new_town = _new_housing_extract(small_town, tmp_path / "housing2")
    report = _load(neo4j, new_town, only=["housing_tenancy", "housing_asb"])
    assert _published(neo4j) == generation, "a refresh changes the published generation in place"
    assert set(report.counts) == {"housing_tenancy", "housing_asb", "contact_numbers"}
    refreshed = _without_probabilities(digest_rows(_driver(neo4j)))
    refreshed_counts = generation_counts(_driver(neo4j))
    refreshed_dates = _dated_rows(neo4j)
    assert any(r["name"] == "Zebedee Quartermaine" for r in refreshed)
    assert _load_run(neo4j, report.run_id)["status"] == "complete"
    # Both ways a record is refreshed are in play below: unchanged ones kept, changed or new ones replaced; and
    # households that stay, with people leaving or joining them.
    assert report.written["records_kept"] > 0 and report.written["records_replaced"] > 0
    assert report.written["household_members_changed"] > 0, report.written

    _load(neo4j, new_town)
    assert generation_counts(_driver(neo4j)) == refreshed_counts
    assert _without_probabilities(digest_rows(_driver(neo4j))) == refreshed
    assert _dated_rows(neo4j) == refreshed_dates


def _dated_rows(settings) -> list[tuple]:
    """What the content digest leaves out and a later extract changes: every source's extract date (records and
    address history take theirs from it), every address history entry with its sources and current flag, every
    record's holds digest, and every household's members."""
    driver = _driver(settings)
    extracts = driver.execute_query(
        "MATCH (g:Published {id: 'graph'}) MATCH (s:SourceExtract {run: g.run}) "
        "RETURN s.source AS id, toString(s.extracted_at) AS extracted_at ORDER BY id").records
    rows = driver.execute_query(
        "MATCH (g:Published {id: 'graph'}) MATCH (p:Person {run: g.run}) "
        "RETURN p.id AS id, apoc.coll.sort([(p)-[l:LIVES_AT]->(a:Address) | a.id + '|' + toString(l.current) + '|' "
        "+ apoc.text.join(l.sources, ',')]) AS lives, "
        "apoc.coll.sort([(p)-[:HAS_RECORD]->(r:SourceRecord) | r.key + '|' + r.holds_digest]) AS records, "
        "apoc.coll.sort([(p)-[:MEMBER_OF]->(h:Household)<-[:MEMBER_OF]-(m:Person) | h.id + '|' + m.id]) AS housemates "
        "ORDER BY id").records
    return [tuple(r.values()) for r in extracts] + [tuple(r.values()) for r in rows]


def test_a_later_extract_refreshed_gives_the_dates_and_households_a_full_load_gives(neo4j, small_town, tmp_path):
    # The realistic daily refresh: the same rows, extracted two weeks later. Housing's extract date moves on, and
    # with it every housing record's and every tenant's "last seen", which readers take from it; where that breaks a
    # tie the tenant's current address (address history entries updated in place) and household change.
    import json
    from datetime import date, timedelta

    from graph_loader.inspect import digest_rows, generation_counts

    _load(neo4j, small_town)
    extracts, linked = _copy_town(small_town, tmp_path / "later")
    shutil.copytree(small_town[1], linked)  # the same linkage output: only the extract date moved
    manifest = json.loads((extracts / "manifest.json").read_text())
    for name in ("housing_tenancy", "housing_asb"):
        for field in ("extracted_at", "coverage_to"):
            manifest["sources"][name][field] = (date.fromisoformat(manifest["sources"][name][field])
                                                + timedelta(days=14)).isoformat()
    (extracts / "manifest.json").write_text(json.dumps(manifest))
    before = _dated_rows(neo4j)
    report = _load(neo4j, (extracts, linked), only=["housing_tenancy", "housing_asb"])
    # Nothing stored on a record holds its extract date: the records kept need no update at all.
    assert report.written["records_kept"] > 0, report.written
    assert report.written["records_updated_in_place"] == 0 and report.written["lives_at_changed"] > 0
    refreshed = (_dated_rows(neo4j), digest_rows(_driver(neo4j)), generation_counts(_driver(neo4j)))
    assert refreshed[0] != before
    # The extract date stays a date (the API formats and compares it), and no record or address history entry keeps
    # a copy of it that a later refresh would have to rewrite.
    kinds = _driver(neo4j).execute_query(
        "MATCH (g:Published {id: 'graph'}) "
        "RETURN COLLECT { MATCH (s:SourceExtract {run: g.run}) RETURN DISTINCT valueType(s.extracted_at) } AS extracts, "
        "COUNT { MATCH (r:SourceRecord) WHERE r.extracted_at IS NOT NULL } AS dated_records, "
        "COUNT { MATCH ()-[l:LIVES_AT]->() WHERE l.last_seen IS NOT NULL } AS dated_lives").records[0]
    assert (kinds["extracts"], kinds["dated_records"], kinds["dated_lives"]) == (["DATE NOT NULL"], 0, 0), kinds

    _load(neo4j, (extracts, linked))
    assert (_dated_rows(neo4j), digest_rows(_driver(neo4j)), generation_counts(_driver(neo4j))) == refreshed


def test_refreshing_family_relationships_gives_the_graph_a_full_load_gives(neo4j, small_town, tmp_path):
    from graph_loader.inspect import digest, digest_rows

    _load(neo4j, small_town)
    before = digest(_driver(neo4j))
    extracts, linked = _copy_town(small_town, tmp_path / "relationships")
    shutil.copytree(small_town[1], linked)  # the same linkage output: only the relationships extract changed
    rows = _rows(extracts / "childrens_social_care_relationships.csv")
    _write_rows(extracts / "childrens_social_care_relationships.csv", rows[1:] + rows[2:3])  # one gone, one twice
    report = _load(neo4j, (extracts, linked), only=["lcs"])
    assert report.written["relationships_changed"] == 2
    refreshed = digest_rows(_driver(neo4j))
    assert digest(_driver(neo4j)) != before

    _load(neo4j, (extracts, linked))
    assert digest_rows(_driver(neo4j)) == refreshed


def test_a_refresh_refuses_when_relinking_moved_other_sources_records(neo4j, small_town, tmp_path):
    from graph_loader.inspect import digest
    from graph_loader.refresh import RefreshError

    _load(neo4j, small_town)
    before = digest(_driver(neo4j))
    extracts, linked = _new_housing_extract(small_town, tmp_path / "moved")
    clusters = _rows(linked / "clusters.csv")
    tenant = next(r for r in clusters if r["source"] == "housing_tenancy")
    health = next(r for r in clusters if r["source"] == "health" and r["person_id"] != tenant["person_id"])
    for name in ("clusters.csv", "standardised_records.csv"):
        rows = _rows(linked / name)
        for row in rows:
            if (row["source"], row["record_id"]) == ("health", health["record_id"]):
                row["person_id"] = tenant["person_id"]
        _write_rows(linked / name, rows)
    with pytest.raises(RefreshError, match="full load"):
        _load(neo4j, (extracts, linked), only=["housing_tenancy"])
    assert digest(_driver(neo4j)) == before


def _orphan_helpers() -> set[int]:
    """Multiprocessing workers whose parent is gone (adopted by init)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == 1 and b"spawn_main" in cmdline:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.parametrize("step", ["refresh/stage_records", "refresh/switch_attach"])
def test_a_refresh_killed_half_way_changes_nothing(neo4j, small_town, tmp_path, step):
    # Killed after its records were staged (committed, not yet visible), or inside the switch transaction.
    from graph_loader.inspect import digest, generation_counts

    _load(neo4j, small_town)
    before = digest(_driver(neo4j))
    new_town = _new_housing_extract(small_town, tmp_path / "killed")
    helpers_before = _orphan_helpers()
    proc = _cli_load(neo4j, new_town, "--only", "housing_tenancy,housing_asb", FC_LOAD_PAUSE_AT_STEP=step)
    assert step in _wait_paused(proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert digest(_driver(neo4j)) == before
    # Its helper process (link reasons, address ids) notices and exits rather than waiting for work for ever.
    deadline = time.monotonic() + 15
    while _orphan_helpers() - helpers_before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _orphan_helpers() - helpers_before
    report = _load(neo4j, new_town, only=["housing_tenancy", "housing_asb"])
    assert digest(_driver(neo4j)) != before
    assert report.counts["housing_tenancy"].rows_in == len(_rows(new_town[0] / "housing_tenancies.csv"))
    # The killed run's staged copy and the re-run's retired records are gone: only the published graph is stored.
    assert _data_nodes(neo4j) == sum(generation_counts(_driver(neo4j))["nodes"].values())


def _every_tenancy_in_arrears(town, dest: Path) -> tuple[Path, Path]:
    extracts, linked = _copy_town(town, dest)
    rows = _rows(extracts / "housing_tenancies.csv")
    for row in rows:
        row["arrears_weeks"] = "12.5"
    _write_rows(extracts / "housing_tenancies.csv", rows)
    _link(extracts, linked)
    return extracts, linked


def test_a_refresh_neo4j_refuses_memory_stops_saying_what_to_do_and_changes_nothing(neo4j, small_town, tmp_path):
    # At a million people, replacing every record of a source in the one switch transaction needs more memory than
    # Neo4j lets transactions hold with a 4 GB heap. Here a per-transaction cap makes a small town's refresh, which
    # replaces every tenancy, hit it.
    import dataclasses

    from family_context import neo4j_server
    from graph_loader.inspect import digest
    from graph_loader.refresh import RefreshError

    _load(neo4j, small_town)
    before = digest(_driver(neo4j))
    new_town = _every_tenancy_in_arrears(small_town, tmp_path / "capped")
    capped = dataclasses.replace(neo4j, neo4j_transaction_memory=TRANSACTION_CAP)
    assert neo4j_server.stop(neo4j) == 0 and neo4j_server.start(capped) == 0
    try:
        with pytest.raises(RefreshError) as refused:
            _load(capped, new_town, only=["housing_tenancy", "housing_asb"])
        message = str(refused.value)
        assert "refused the memory" in message and "FC_NEO4J_HEAP" in message and "full load" in message
        assert digest(_driver(capped)) == before
        run = _driver(capped).execute_query(
            "MATCH (r:LoadRun {kind: 'refresh'}) RETURN r.status AS status ORDER BY r.started_at DESC LIMIT 1")
        assert run.records[0]["status"] == "failed"
    finally:
        neo4j_server.stop(capped)
        assert neo4j_server.start(neo4j) == 0
    report = _load(neo4j, new_town, only=["housing_tenancy", "housing_asb"])
    assert _load_run(neo4j, report.run_id)["status"] == "complete"
    assert digest(_driver(neo4j)) != before


# ------------------------------------------------------------------------------------------ the start's write warm-up


def _stored(settings) -> tuple[list, list]:
    """Every node and relationship in the database with its labels or type and properties, bookkeeping included."""
    driver = _driver(settings)
    nodes = driver.execute_query("MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props "
                                 "ORDER BY id").records
    relationships = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN elementId(r) AS id, type(r) AS type, elementId(a) AS a, elementId(b) AS b, "
        "properties(r) AS props ORDER BY id").records
    return [r.data() for r in nodes], [r.data() for r in relationships]


def _visible(settings) -> tuple:
    """What readers and operators can see: the published content, its dates and households, the published counts,
    what the name index finds for the warm-up's made-up name, and the status page's counts."""
    from cypher import query
    from graph_loader.inspect import digest_rows, generation_counts

    driver = _driver(settings)
    search = driver.execute_query("CALL db.index.fulltext.queryNodes('person_names', 'warm~1 OR up~1') YIELD node "
                                  "RETURN count(node) AS n").records[0]["n"]
    status = [r.data() for r in driver.execute_query(query("ops/status_counts")).records]
    return digest_rows(driver), _dated_rows(settings), generation_counts(driver), search, status


def test_the_start_write_warm_up_commits_only_made_up_data_nobody_sees_and_removes_it(neo4j, small_town,
                                                                                       monkeypatch):
    # After a start of a big store, Neo4j rehearses a refresh's switch on made-up data (committed, so that the JVM
    # compiles the commit's code too). Readers never see that data, while it exists or after, and none is left.
    from family_context import neo4j_server, neo4j_write_warm_up as warm

    monkeypatch.setattr(warm, "WARM_UP_PEOPLE", 300)
    _load(neo4j, small_town)
    stored, visible = _stored(neo4j), _visible(neo4j)

    made = warm.stage(_driver(neo4j), 60)  # what a warm-up killed after its first step leaves behind
    assert made == 300 and _run_nodes(neo4j, warm.WARM_UP_RUN) == 300 * 5
    assert _visible(neo4j) == visible

    written = neo4j_server.warm_up_writes(neo4j)
    assert written is not None
    # Every kind of write a refresh's switch makes was rehearsed, and committed (rolled back, it would compile less).
    assert {name for name, count in written.items() if count > 0} == {
        "switch_retire", "switch_stamp", "switch_attach", "switch_set", "switch_set_relationships",
        "switch_delete_relationships", "switch_lives_at",
        "switch_delete_nodes", "switch_households", "switch_members"}
    # The leftover of the "killed" one and its own made-up data are gone: the store holds exactly what it held.
    assert _stored(neo4j) == stored
    assert _visible(neo4j) == visible


def test_a_refresh_after_the_write_warm_up_gives_what_it_gives_without(neo4j, small_town, tmp_path, monkeypatch):
    from family_context import neo4j_server, neo4j_write_warm_up as warm
    from graph_loader.inspect import digest

    monkeypatch.setattr(warm, "WARM_UP_PEOPLE", 300)
    new_town = _new_housing_extract(small_town, tmp_path / "after-warm-up")
    _load(neo4j, small_town)
    _load(neo4j, new_town, only=["housing_tenancy", "housing_asb"])
    without = digest(_driver(neo4j)), _dated_rows(neo4j)

    _load(neo4j, small_town)
    assert neo4j_server.warm_up_writes(neo4j) is not None
    _load(neo4j, new_town, only=["housing_tenancy", "housing_asb"])
    assert (digest(_driver(neo4j)), _dated_rows(neo4j)) == without


def test_a_graph_loaded_with_stored_dates_drops_them_once_and_reads_the_same(neo4j, small_town):
    """Graphs loaded before migration 0004 kept each record's extract date and each address history entry's "last
    seen" on the record and the entry. The migration removes those copies (readers derive both from the sources'
    extracts), and nothing else changes: the content, the dates readers see, the households."""
    from graph_loader.inspect import digest_rows
    from graph_loader.migrations import apply_migrations

    _load(neo4j, small_town)
    driver = _driver(neo4j)
    before = (digest_rows(driver), _dated_rows(neo4j))
    # The graph as the code before 0004 wrote it.
    driver.execute_query(
        "MATCH (g:Published {id: 'graph'}) MATCH (s:SourceExtract {run: g.run}) "
        "MATCH (r:SourceRecord {run: g.run, source: s.source}) SET r.extracted_at = s.extracted_at")
    driver.execute_query(
        "MATCH (g:Published {id: 'graph'}) MATCH (:Person {run: g.run})-[l:LIVES_AT]->() "
        "SET l.last_seen = date('2026-01-01')")
    driver.execute_query("MATCH (m:Migration {id: 'migrations/0004_dates_from_extracts'}) DELETE m")

    assert apply_migrations(driver) == ["migrations/0004_dates_from_extracts"]
    left = driver.execute_query(
        "RETURN COUNT { MATCH (r:SourceRecord) WHERE r.extracted_at IS NOT NULL } AS records, "
        "COUNT { MATCH ()-[l:LIVES_AT]->() WHERE l.last_seen IS NOT NULL } AS lives").records[0]
    assert (left["records"], left["lives"]) == (0, 0)
    assert (digest_rows(driver), _dated_rows(neo4j)) == before
    assert apply_migrations(driver) == []  # once only
