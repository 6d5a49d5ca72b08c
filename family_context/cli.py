"""`family-context`: one command line for every step of the pipeline.

extracts -> `link` -> `load` -> Neo4j -> `serve`; `demo` runs them all on a generated town.
Imports happen inside each command so `family-context --help` stays quick.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from family_context.settings import PROJECT_ROOT, get_settings

app = typer.Typer(help="Family Context: who is involved with a child and whom to call.", no_args_is_help=True)
neo4j_app = typer.Typer(help="Manage the local Neo4j server run from the fetched jars.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")

DEMO_SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start Neo4j (Java 17, 127.0.0.1, auth on) and wait until Bolt answers."""
    from family_context import neo4j_server

    raise typer.Exit(neo4j_server.start(get_settings()))


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop Neo4j cleanly."""
    from family_context import neo4j_server

    raise typer.Exit(neo4j_server.stop(get_settings()))


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether Neo4j is running and answering."""
    from family_context import neo4j_server

    raise typer.Exit(neo4j_server.status(get_settings()))


@app.command()
def generate(
    people: int = typer.Option(5000, help="How many residents the town has."),
    seed: int = typer.Option(7, help="Same seed, same files."),
    out: Path = typer.Option(Path("var/demo/extracts"), help="Folder for the extract CSVs."),
) -> None:
    """Generate a synthetic town's source extracts (and truth.csv)."""
    from demo_town.generate import generate_town

    generate_town(people=people, seed=seed, out=out)


@app.command()
def link(
    extracts: Path = typer.Option(Path("var/demo/extracts"), help="Folder holding the extract CSVs."),
    sources: Path = typer.Option(DEMO_SOURCES, help="YAML mapping each extract's columns to canonical fields."),
    out: Path = typer.Option(Path("var/demo/linked"), help="Folder for clusters.csv and the run report."),
    engine: str = typer.Option("duckdb", help="duckdb (default) or spark."),
    state: Optional[Path] = typer.Option(Path("var/linkage"), help="Folder outside the run keeping the person id map "
                                         "(ids carried forward between runs) and decisions.csv. --no-state: none.",
                                         show_default=True),
    no_state: bool = typer.Option(False, "--no-state", help="Keep no id map: ids from each cluster's smallest record."),
    previous: Optional[Path] = typer.Option(None, help="Carry person ids forward from this earlier run folder "
                                            "instead of the id map."),
    decisions: Optional[Path] = typer.Option(None, help="Human link decisions file (default: STATE/decisions.csv)."),
    html_report: bool = typer.Option(True, "--html-report/--no-html-report",
                                     help="Write linkage_report.html (offline charts) into --out."),
) -> None:
    """Standardise the extracts and match records to people with Splink."""
    from linkage.run import run_linkage

    run_linkage(extracts=extracts, sources=sources, out=out, engine=engine, state_dir=None if no_state else state,
                previous=previous, decisions=decisions, html_report=html_report)


@app.command("link-decision")
def link_decision(
    decision: str = typer.Argument(..., help="same, different, or withdraw (forget an earlier decision on the pair)."),
    record_a: str = typer.Argument(..., help="SOURCE:RECORD_ID, e.g. lcs:LCS0000004"),
    record_b: str = typer.Argument(..., help="SOURCE:RECORD_ID, e.g. health:9000000041"),
    by: str = typer.Option(..., "--by", help="Who decided (recorded with the decision)."),
    reason: str = typer.Option(..., "--reason", help="Why (recorded with the decision)."),
    decisions: Path = typer.Option(Path("var/linkage/decisions.csv"), help="The decisions file every run applies."),
    sources: Path = typer.Option(DEMO_SOURCES, help="Sources YAML (the source names are checked against it)."),
) -> None:
    """Record that two records are (not) the same person; every later `link` applies it, over the model."""
    from linkage.decisions import DecisionError, record_decision
    from linkage.sources_config import load_sources

    try:
        d = record_decision(decisions, decision, record_a, record_b, by=by, reason=reason,
                            sources=load_sources(sources).names)
    except DecisionError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"Recorded: {d.source_l}:{d.record_id_l} {d.decision} {d.source_r}:{d.record_id_r} "
               f"(by {d.decided_by}) in {decisions}; applied from the next `family-context link`.")


@app.command()
def load(
    extracts: Path = typer.Option(Path("var/demo/extracts"), help="Folder holding the extract CSVs."),
    linked: Path = typer.Option(Path("var/demo/linked"), help="Output folder of `family-context link`."),
    sources: Path = typer.Option(DEMO_SOURCES, help="The same sources YAML given to `link`."),
    only: Optional[str] = typer.Option(
        None, help="Refresh only these sources (comma separated, e.g. housing_tenancy,housing_asb) in the "
                   "published graph, using the person ids of the new linkage output."),
    bulk: bool = typer.Option(False, "--bulk", help="Initial load of a large town with neo4j-admin database "
                                                    "import (stops Neo4j, replaces the database, starts it)."),
) -> None:
    """Load people, addresses, households and service involvements into Neo4j (docs/graph_model.md)."""
    from graph_loader.load import load_graph

    load_graph(extracts=extracts, linked=linked, sources=sources, settings=get_settings(),
               only=[s.strip() for s in only.split(",") if s.strip()] if only else None, bulk=bulk)


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, help="Defaults to FC_HOST or 127.0.0.1."),
    port: Optional[int] = typer.Option(None, help="Defaults to FC_PORT or 8000."),
    workers: int = typer.Option(1, envvar="FC_WORKERS", min=1, max=16,
                                help="Worker processes (FC_WORKERS); one Python process uses one core at most."),
) -> None:
    """Serve the GraphQL API and the web client."""
    from family_context.server import run_server

    run_server(get_settings(), host=host, port=port, workers=workers)


@app.command("status")
def status(
    linked: Optional[Path] = typer.Option(None, help="A linkage output folder: also show its quarantine."),
    as_json: bool = typer.Option(False, "--json", help="Print everything as JSON (for monitoring)."),
    brief: bool = typer.Option(False, "--brief", help="Print only the one-line summary."),
) -> None:
    """Neo4j up or down, the last load per source, counts, quarantine totals; a one-line summary (exit 0/1/2)."""
    from family_context.ops.cli import status_command

    status_command(linked=linked, as_json=as_json, brief=brief)


@app.command("dev-token")
def dev_token(
    role: str = typer.Option(..., help="social_worker, team_manager, massh_analyst, integrator, ig_reviewer or "
                                       "data_manager."),
    scope: Optional[str] = typer.Option(None, help="Integrator scopes to ask for (default: all the client has)."),
) -> None:
    """Print a bearer access token for a demo role: from the running dev IdP, else minted with its key."""
    import httpx2

    from family_context.dev_idp.client import DevTokenError, token_for_role
    from family_context.dev_idp.keys import mint
    from family_context.dev_idp.users import DEMO_USERS, INTEGRATOR_CLIENT_ID, INTEGRATOR_SCOPES, USER_FOR_ROLE

    settings = get_settings()
    if settings.production:
        raise typer.BadParameter("dev-token is for development only")
    if role != "integrator" and role not in USER_FOR_ROLE:
        raise typer.BadParameter(f"unknown role {role!r}")
    try:
        token = token_for_role(settings.issuer, role, scope)
    except (httpx2.HTTPError, DevTokenError):
        typer.echo(f"The dev IdP is not answering on {settings.issuer}; minting with its key instead.", err=True)
        if role == "integrator":
            claims = {"sub": INTEGRATOR_CLIENT_ID, "client_id": INTEGRATOR_CLIENT_ID, "roles": ["integrator"],
                      "scope": scope or INTEGRATOR_SCOPES}
        else:
            user = DEMO_USERS[USER_FOR_ROLE[role]]
            claims = {"sub": f"user:{user.username}", "roles": list(user.roles), "name": user.name,
                      "team": user.team, "preferred_username": user.username}
        token = mint(settings, claims)
    typer.echo(token)


@app.command("export-schema")
def export_schema(out: Path = typer.Option(PROJECT_ROOT / "schema" / "schema.graphql")) -> None:
    """Write the GraphQL schema (SDL) that integrators and IG reviewers read; a test keeps it in step with the code."""
    from schema import build_schema

    out.write_text(build_schema().as_str() + "\n", encoding="utf-8")
    typer.echo(f"Wrote {out}")


@app.command()
def demo(
    people: int = typer.Option(5000, help="How many residents the demo town has."),
    seed: int = typer.Option(7),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve when the load is done."),
) -> None:
    """Generate a demo town, link it, load it into Neo4j and serve it."""
    from family_context.demo import run_demo

    run_demo(get_settings(), people=people, seed=seed, serve_after=serve_after)


if __name__ == "__main__":
    app()
