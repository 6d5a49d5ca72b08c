"""Load runs and generations: which load may start, which copy readers see, and removing the copies they no longer see.

A full load writes a new *generation* (every node stamped `run: <LoadRun.id>`). Readers see only the generation the
single `(:Published {id: 'graph'})` node names; `publish` switches it in one small transaction once the generation is
complete and checked. Generations that are superseded, failed or abandoned are then removed in small transactions.
"""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from neo4j import Driver

from graph_loader.batches import run_auto, run_read, run_write

REMOVE_BATCH = 10_000
# How long readers already inside the previous generation may keep reading it after a switch (the API's queries
# time out after 10 s, resolvers/graph_reader.py).
GRACE_SECONDS = float(os.environ.get("FC_LOAD_GRACE_SECONDS", "10"))


class LoadInProgress(RuntimeError):
    """Another load is running against this database (its process is alive)."""


def _alive(host: str | None, pid: int | None) -> bool:
    """Whether the load process that wrote a LoadRun is still alive. A load from another host is assumed alive."""
    if pid is None:
        return False
    if host != socket.gethostname():
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X") and b"python" in cmdline


def claim(driver: Driver) -> None:
    """Refuse if a live load is running; mark dead ones abandoned (their generations are removed later)."""
    for run in run_read(driver, "load/runs_unfinished"):
        if run["status"] != "running":
            continue
        if _alive(run["host"], run["pid"]):
            raise LoadInProgress(f"load {run['id']} is still running (pid {run['pid']} on {run['host']}); "
                                 "wait for it to finish")
        run_write(driver, "load/run_failed", run=run["id"], status="abandoned",
                  error="the load process died before it finished")


def start_run(driver: Driver, run: str, kind: str, sources: list[str]) -> None:
    run_write(driver, "load/run_start", run=run, kind=kind, sources=sources, host=socket.gethostname(),
              pid=os.getpid())


def fail_run(driver: Driver, run: str, error: str) -> None:
    try:
        run_write(driver, "load/run_failed", run=run, status="failed", error=error[:500])
    except Exception:  # the database may be what failed; the next load marks the run abandoned instead
        pass


def published_run(driver: Driver) -> str | None:
    rows = run_read(driver, "load/published")
    return rows[0]["run"] if rows else None


def remove_old_generations(driver: Driver, grace_seconds: float | None = None) -> list[str]:
    """Remove every generation that is not published and not being written by a live load."""
    superseded = [r["id"] for r in run_read(driver, "load/runs_superseded")]
    dead = [r["id"] for r in run_read(driver, "load/runs_unfinished")
            if r["kind"] == "full" and r["status"] in ("failed", "abandoned")]
    if superseded:
        time.sleep(GRACE_SECONDS if grace_seconds is None else grace_seconds)
    published = published_run(driver)
    remove_refresh_leftovers(driver)
    removed = []
    for run in superseded + dead:
        if run == published:
            continue
        run_auto(driver, "load/remove_generation", run=run, batch=REMOVE_BATCH)
        run_write(driver, "load/run_removed", run=run)
        removed.append(run)
    return removed


def remove_refresh_leftovers(driver: Driver) -> list[str]:
    """Delete what one-source refreshes left behind: the retired records of one that was killed after its switch,
    or the staged copy of one that failed or died before it (graph_loader/refresh.py). Neither is visible."""
    removed = []
    for row in run_read(driver, "refresh/leftovers"):
        run_auto(driver, "load/remove_generation", run=row["run"], batch=REMOVE_BATCH)
        run_write(driver, "load/run_removed", run=row["id"])
        removed.append(row["run"])
    return removed
