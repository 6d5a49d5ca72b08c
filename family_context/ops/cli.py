"""Operations commands, registered on the `family-context` CLI (family_context/cli.py):

    family-context status [--linked DIR] [--json | --brief]
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from family_context.settings import get_settings


def status_command(
    linked: Optional[Path] = typer.Option(None, help="A linkage output folder: also show its quarantine "
                                                     "(default var/demo/linked when it exists)."),
    as_json: bool = typer.Option(False, "--json", help="Print everything as JSON (for monitoring)."),
    brief: bool = typer.Option(False, "--brief", help="Print only the one-line summary."),
) -> None:
    """Neo4j up or down, the last load per source, counts and quarantine totals, then a one-line summary.
    Exit code 0 OK, 1 degraded, 2 down."""
    from family_context.ops.status import collect, render

    settings = get_settings()
    if linked is None:
        default = settings.var_dir / "demo" / "linked"
        linked = default if (default / "run_report.json").is_file() else None
    status = collect(settings, linked=linked)
    if as_json:
        typer.echo(json.dumps(status.as_json(), indent=2, default=str))
    elif brief:
        typer.echo(status.summary())
    else:
        typer.echo(render(status))
    raise typer.Exit(status.code)
