"""`family-context status` against the shared (read-only here) Neo4j and town, and against no Neo4j at all."""
from __future__ import annotations

import dataclasses
import json

import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.integration


def test_status_reports_neo4j_the_published_load_per_source_counts_and_quarantine(loaded_graph, town):
    from family_context.ops.status import OK, collect, render

    extracts, linked = town
    status = collect(loaded_graph, linked=linked)
    assert status.neo4j_up and status.neo4j_version and "5.26" in status.neo4j_version
    assert status.published_run and status.published_at
    assert status.counts["people"] > 0 and status.counts["source_records"] >= status.counts["people"]
    names = {s.source for s in status.sources}
    assert {"lcs", "las", "health", "probation"} <= names
    for source in status.sources:
        assert source.last_load and source.last_load_run == status.published_run
        assert source.reconciles, source
        assert source.extracted_at
    assert status.rows_in == status.rows_loaded + status.rows_quarantined
    assert status.linkage and status.linkage["rows_in"] == status.linkage["linked"] + status.linkage["quarantined"]
    assert status.code == OK, status.problems
    text = render(status)
    line = text.splitlines()[-1]
    assert line.startswith("OK: Neo4j 5.26") and "people" in line and "quarantined" in line
    assert "health" in text


def test_status_json_and_exit_code_when_neo4j_is_not_there(tmp_path, monkeypatch):
    from family_context.neo4j_server import free_port
    from family_context.ops.status import DOWN, collect
    from family_context.settings import Settings

    monkeypatch.setenv("FC_NEO4J_PASSWORD", "not-a-real-password")
    settings = dataclasses.replace(Settings(), var_dir=tmp_path, neo4j_bolt_port=free_port())
    status = collect(settings)
    assert status.code == DOWN and not status.neo4j_up
    assert status.summary().startswith("DOWN: Neo4j is not answering")
    data = status.as_json()
    json.dumps(data)
    assert data["state"] == "DOWN" and data["code"] == DOWN


def test_status_command_prints_one_summary_line_and_json(loaded_graph, monkeypatch):
    from family_context.ops.cli import status_command

    import typer

    app = typer.Typer()
    app.command("status")(status_command)
    monkeypatch.setattr("family_context.ops.cli.get_settings", lambda: loaded_graph)
    result = CliRunner().invoke(app, ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["state"] == "OK" and data["published_run"]
    result = CliRunner().invoke(app, ["--brief"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("OK: ")
