"""`family-context demo`: demo town -> linkage -> load -> serve, on the local Neo4j."""
from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from family_context.settings import PROJECT_ROOT, Settings

console = Console()
DEMO_SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"


def demo_dirs(settings: Settings) -> tuple[Path, Path]:
    base = settings.var_dir / "demo"
    return base / "extracts", base / "linked"


def run_demo(settings: Settings, people: int, seed: int, serve_after: bool = True) -> None:
    from demo_town.generate import generate_town
    from family_context import neo4j_server
    from graph_loader.load import load_graph
    from linkage.run import run_linkage

    started = time.perf_counter()
    extracts, linked = demo_dirs(settings)
    if neo4j_server.start(settings) != 0:
        raise SystemExit("Neo4j did not start; see the message above.")
    console.rule("1/3 Generating the demo town")
    generate_town(people=people, seed=seed, out=extracts)
    console.rule("2/3 Matching records with Splink")
    run_linkage(extracts=extracts, sources=DEMO_SOURCES, out=linked, engine="duckdb")
    console.rule("3/3 Loading Neo4j")
    load_graph(extracts=extracts, linked=linked, sources=DEMO_SOURCES, settings=settings)
    console.print(f"[bold green]Demo town of {people:,} people ready in {time.perf_counter() - started:.0f}s.")
    if serve_after:
        from family_context.server import run_server

        console.print(f"Open [bold]{settings.base_url}/[/bold] (GraphQL at {settings.base_url}/graphql). "
                      "Press Ctrl+C to stop; `family-context neo4j stop` stops the database.")
        run_server(settings)
