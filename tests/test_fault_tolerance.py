"""Fault tests on a Neo4j and an app of their own (the shared session stack is never touched):

1. Neo4j crashes (SIGKILL) while the API serves: GraphQL answers HTTP 503 with Retry-After and the code
   SERVICE_UNAVAILABLE, quickly and without a stack trace; /health says 503 too. When Neo4j is back, the same app
   process answers again, without a restart.
2. Broken extracts through `family-context link` and `load`: wrong encoding, missing columns, duplicate ids, future
   dates of birth, an empty file, a truncated last line -> a clear error naming the file (and row or column), or the
   rows quarantined with reasons; nothing is lost (rows in = linked/loaded + quarantined), and a refused load leaves
   the published graph as it was.

(A load killed half-way is tests/test_load_safety.py's.)
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import time
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

from family_context.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

SMALL = PROJECT_ROOT / "tests" / "fixtures" / "extracts_small"
SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"
SEARCH = "query Find($name: String) { searchPeople(name: $name) { edges { node { id displayName } } } }"


# --- fixtures ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def private_neo4j(tmp_path_factory):
    from family_context.neo4j_server import running_neo4j

    with running_neo4j(tmp_path_factory.mktemp("fault-neo4j")) as settings:
        yield settings


@pytest.fixture(scope="module")
def small_linked(tmp_path_factory) -> Path:
    from linkage.run import run_linkage

    out = tmp_path_factory.mktemp("fault-linked")
    run_linkage(extracts=SMALL, sources=SOURCES, out=out, engine="duckdb")
    return out


@pytest.fixture(scope="module")
def loaded(private_neo4j, small_linked):
    from graph_loader.load import load_graph

    load_graph(extracts=SMALL, linked=small_linked, sources=SOURCES, settings=private_neo4j, grace_seconds=0)
    return private_neo4j


@pytest.fixture(scope="module")
def private_app(loaded):
    """The real app on its own port, with the dev IdP (for its JWKS) on another."""
    from family_context.dev_idp import start_dev_idp
    from family_context.dev_idp.keys import mint
    from family_context.neo4j_server import free_port
    from tests.conftest import serve_app

    settings = dataclasses.replace(loaded, port=free_port(), dev_idp_port=free_port(), rate_limit_per_minute=100_000)
    idp = start_dev_idp(settings)
    token = mint(settings, {"sub": "user:fault.tester", "roles": ["social_worker"], "name": "Fault Tester",
                            "team": "Front Door"}, lifetime=3600)
    try:
        with serve_app(settings) as base_url:
            yield base_url, {"Authorization": f"Bearer {token}"}, settings
    finally:
        idp.stop()


def _search(base_url: str, headers: dict, name: str = "Emily Jones") -> httpx2.Response:
    return httpx2.post(f"{base_url}/graphql", json={"query": SEARCH, "variables": {"name": name}},
                      headers=headers, timeout=60)


# --- 1. Neo4j goes away while the API serves ----------------------------------------------------------------------

def test_neo4j_crash_gives_503_with_retry_after_then_recovers_without_restarting_the_app(private_app):
    from family_context import neo4j_server

    base_url, headers, settings = private_app
    if "API_DRIVER_OPTIONS" not in (PROJECT_ROOT / "family_context" / "app.py").read_text():
        pytest.skip("the 503 mapping is not wired into the app yet (family_context/ops/wiring.patch)")
    before = _search(base_url, headers)
    assert before.status_code == 200, before.text
    people = before.json()["data"]["searchPeople"]["edges"]
    assert people

    assert neo4j_server.kill(settings) == 0
    try:
        began = time.monotonic()
        down = _search(base_url, headers)
        took = time.monotonic() - began
        assert down.status_code == 503, down.text
        assert int(down.headers["Retry-After"]) > 0
        body = down.json()
        assert body["data"] is None
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert codes == {"SERVICE_UNAVAILABLE"}, body
        assert "Traceback" not in down.text and "bolt://" not in down.text and "127.0.0.1" not in down.text
        assert down.headers.get("x-request-id")
        assert took < 10, f"the 503 took {took:.1f}s: the driver should fail fast, not retry for 30 s"

        health = httpx2.get(f"{base_url}/health", timeout=30)
        assert health.status_code == 503 and health.headers.get("Retry-After")
        assert health.json()["neo4j"] == "down"
    finally:
        assert neo4j_server.start(settings) == 0

    # Same app process, same driver: it reconnects on its own.
    deadline = time.monotonic() + 60
    while True:
        again = _search(base_url, headers)
        if again.status_code == 200 or time.monotonic() > deadline:
            break
        assert again.status_code == 503, again.text
        time.sleep(1)
    assert again.status_code == 200, again.text
    assert again.json()["data"]["searchPeople"]["edges"] == people
    assert httpx2.get(f"{base_url}/health", timeout=30).status_code == 200


# --- 2. broken extracts -------------------------------------------------------------------------------------------

def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _rewrite(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _broken(tmp_path: Path, how: str) -> Path:
    folder = tmp_path / f"extracts-{how}"
    shutil.copytree(SMALL, folder)
    health = folder / "health.csv"
    if how == "encoding":  # a Latin-1 file among UTF-8 ones
        health.write_bytes(health.read_text(encoding="utf-8").replace("Jones", "Jönes").encode("latin-1"))
    elif how == "missing_column":
        rows = list(csv.reader((folder / "probation.csv").open(encoding="utf-8")))
        drop = rows[0].index("forename") if "forename" in rows[0] else 1
        _rewrite(folder / "probation.csv", [r[:drop] + r[drop + 1:] for r in rows])
    elif how == "duplicate_ids":
        lines = health.read_text(encoding="utf-8").splitlines()
        health.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    elif how == "future_dob":
        health.write_text(health.read_text(encoding="utf-8").replace("20140203", "20990203"), encoding="utf-8")
    elif how == "empty_file":
        (folder / "youth_justice.csv").write_text("", encoding="utf-8")
    elif how == "truncated_last_line":
        text = health.read_text(encoding="utf-8").rstrip("\n")
        health.write_text(text[: text.rfind(",", 0, len(text) - 30)], encoding="utf-8")
    return folder


def _link(extracts: Path, out: Path):
    from family_context.cli import app

    return CliRunner().invoke(app, ["link", "--extracts", str(extracts), "--sources", str(SOURCES),
                                    "--out", str(out), "--no-state"])


def _message(result) -> str:
    return f"{result.output}\n{result.exception!s}" if result.exception else result.output


@pytest.mark.parametrize("how, file, detail", [
    ("missing_column", "probation.csv", "forename"),
    ("empty_file", "youth_justice.csv", "column"),
])
def test_unusable_extracts_are_refused_before_any_work_naming_file_and_column(tmp_path, how, file, detail):
    extracts = _broken(tmp_path, how)
    out = tmp_path / "linked"
    result = _link(extracts, out)
    assert result.exit_code != 0
    message = _message(result)
    assert file in message and detail in message, message
    assert not (out / "clusters.csv").exists()


def test_an_extract_in_the_wrong_encoding_is_refused_naming_the_file_and_line(tmp_path):
    extracts = _broken(tmp_path, "encoding")
    first_jones = next(i for i, line in enumerate((SMALL / "health.csv").read_text(encoding="utf-8").splitlines(), 1)
                       if "Jones" in line)
    result = _link(extracts, tmp_path / "linked")
    assert result.exit_code != 0
    message = _message(result)
    assert "health.csv" in message and "not UTF-8" in message, message
    assert f"line {first_jones} " in message, message
    assert "J\ufffdnes" not in message and "Jönes" not in message  # no personal data in the error
    assert "Traceback" not in result.output
    assert not (tmp_path / "linked" / "clusters.csv").exists()


def _balanced(report: dict) -> None:
    for source, info in report["sources"].items():
        assert info["rows_in"] == info["linked"] + info["quarantined"], (source, info)
    assert report["rows_in"] == report["linked"] + report["quarantined"]


def test_duplicate_ids_are_quarantined_with_file_row_and_reason_and_nothing_is_lost(tmp_path, loaded):
    from family_context.ops.status import collect
    from graph_loader.load import load_graph

    extracts = _broken(tmp_path, "duplicate_ids")
    out = tmp_path / "linked"
    result = _link(extracts, out)
    assert result.exit_code == 0, _message(result)
    report = json.loads((out / "run_report.json").read_text())
    _balanced(report)
    assert report["sources"]["health"]["quarantine_reasons"] == {"duplicate record id": 1}
    quarantined = [q for q in _read(out / "quarantine.csv") if q["source"] == "health"]
    assert len(quarantined) == 1 and quarantined[0]["file"] == "health.csv"
    assert quarantined[0]["row_number"] and quarantined[0]["record_id"]

    load_graph(extracts=extracts, linked=out, sources=SOURCES, settings=loaded, grace_seconds=0)
    status = collect(loaded)
    health = next(s for s in status.sources if s.source == "health")
    rows = len(_read(extracts / "health.csv"))
    assert health.rows_in == rows == health.rows_loaded + health.rows_quarantined
    assert health.rows_quarantined >= 1
    assert all(s.reconciles for s in status.sources), status.summary()


def test_a_future_date_of_birth_is_blanked_with_a_warning_and_the_row_kept(tmp_path):
    extracts = _broken(tmp_path, "future_dob")
    out = tmp_path / "linked"
    result = _link(extracts, out)
    assert result.exit_code == 0, _message(result)
    report = json.loads((out / "run_report.json").read_text())
    _balanced(report)
    health = report["sources"]["health"]
    assert health["warnings"].get("dob blanked: date in the future") == 1
    assert health["rows_in"] == len(_read(extracts / "health.csv")) == health["linked"]


def test_a_truncated_last_line_is_quarantined_naming_file_and_row_and_nothing_is_lost(tmp_path):
    extracts = _broken(tmp_path, "truncated_last_line")
    out = tmp_path / "linked"
    result = _link(extracts, out)
    assert result.exit_code == 0, _message(result)
    report = json.loads((out / "run_report.json").read_text())
    _balanced(report)
    health = report["sources"]["health"]
    original = _read(SMALL / "health.csv")
    assert health["rows_in"] == len(original)
    assert health["quarantine_reasons"] == {"truncated row: fewer fields than the header": 1}
    quarantined = [q for q in _read(out / "quarantine.csv") if q["source"] == "health"]
    assert quarantined == [{"source": "health", "file": "health.csv", "row_number": str(len(original)),
                            "record_id": original[-1]["nhs_number"],
                            "reason": "truncated row: fewer fields than the header"}]
    linked = {c["record_id"] for c in _read(out / "clusters.csv") if c["source"] == "health"}
    assert original[-1]["nhs_number"] not in linked and original[-2]["nhs_number"] in linked


@pytest.mark.parametrize("how, file", [("missing_column", "probation.csv"), ("encoding", "health.csv"),
                                       ("empty_file", "youth_justice.csv")])
def test_a_load_from_broken_extracts_is_refused_and_the_published_graph_is_unchanged(tmp_path, loaded,
                                                                                     small_linked, how, file):
    from family_context.ops.status import collect
    from graph_loader.load import load_graph

    before = collect(loaded)
    extracts = _broken(tmp_path, how)
    with pytest.raises(Exception) as refused:
        load_graph(extracts=extracts, linked=small_linked, sources=SOURCES, settings=loaded, grace_seconds=0)
    after = collect(loaded)
    assert after.published_run == before.published_run
    assert after.counts == before.counts
    assert not any(r["status"] == "running" for r in after.recent_runs)
    assert file in str(refused.value), f"{type(refused.value).__name__}: {refused.value}"
    if how == "encoding":
        assert "not UTF-8" in str(refused.value) and "line " in str(refused.value), str(refused.value)
