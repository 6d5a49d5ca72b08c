"""Server-side full loads: the prepared rows as CSV files in Neo4j's import folder, read with `LOAD CSV` and written
with `CALL { } IN CONCURRENT TRANSACTIONS` (cypher/load_csv/). Neo4j parses the files itself, so the Python driver's per-value
packing (the bottleneck of UNWIND batches on a 2-core machine) drops out; the graph written is the same.

Used when Neo4j runs on this machine from `settings.neo4j_home` (its import folder is ours to write); otherwise, or
with FC_LOAD_TRANSPORT=unwind, the full load sends UNWIND batches over Bolt (graph_loader/batches.py).
"""
from __future__ import annotations

import operator
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from neo4j import Driver
from rich.progress import Progress

from family_context.settings import Settings
from graph_loader.batches import BATCH_SIZE, BatchCounter, LoadWriteError, load_query
from graph_loader.prepare import Prepared
from graph_loader.prepare_ahead import PrepareAhead

ARRAY_DELIMITER = "\x1f"
# Transactions Neo4j runs at once per step (`CALL { } IN n CONCURRENT TRANSACTIONS`): on the 2-core machine two
# cut the write phase of a 100,000-person load from 38 s to 26 s (bench/bench_load.py); 1 writes one at a time.
CONCURRENCY = max(1, int(os.environ.get("FC_LOAD_CONCURRENCY", "2")))

Columns = list[tuple[str, Callable[[dict], Any]]]


def _col(name: str, path: tuple[str, ...] | None = None) -> tuple[str, Callable[[dict], Any]]:
    if path is None:
        return name, operator.itemgetter(name)  # every row of a step has every top-level column
    outer, inner = path

    def get(row: dict) -> Any:
        return row[outer].get(inner)
    return name, get


def _props(*names: str) -> Columns:
    return [_col(n, ("props", n)) for n in names]


# step -> (Prepared attribute, columns). Nodes come before the relationships that need them; within that, the steps
# whose rows are prepared first come first (graph_loader/prepare.py prepare_in_order), so that Neo4j writes the
# people, their addresses and households while the records' rows (which need everything else) are prepared.
CSV_STEPS: tuple[tuple[str, str, Columns], ...] = (
    ("services", "services", [_col("key"), _col("name"), _col("system")]),
    ("people", "people", [_col(c) for c in ("id", "first_name", "last_name", "display_name", "dob", "sex",
                                            "search_names")]),
    ("practitioners", "practitioners", [_col(c) for c in ("id", "name", "role", "team", "phone", "email")]),
    ("phones", "phones", [_col("number")]),
    ("relationships", "relationships", [_col(c) for c in ("from_id", "to_id", "type", "kind", "source")]),
    ("addresses", "addresses", [_col("id"), _col("line"), _col("postcode")]),
    ("lives_at", "lives_at", [_col(c) for c in ("person_id", "address_id", "sources", "current")]),
    ("households", "households", [_col("id"), _col("address_id")]),
    ("members", "members", [_col("household_id"), _col("person_id")]),
    ("records", "records", [_col("person_id"), _col("match_probability")] + _props(
        "key", "source", "system", "record_id", "first_name", "last_name", "dob", "link_reasons", "holds_digest")),
    ("recorded_at", "recorded_at", [_col("record_key"), _col("address_id")]),
    ("involvements", "involvements", [_col("record_key"), _col("service_key"), _col("practitioner_id")] + _props(
        "id", "source", "kind", "status", "start_date", "end_date", "last_contact", "detail_labels",
        "detail_values")),
    ("has_phone", "has_phone", [_col(c) for c in ("record_key", "number", "type", "updated_at")]),
)


def cell(value: Any) -> str:
    if type(value) is str:  # most cells: tested first (millions of them), the same text as below
        return '"' + value.replace('"', '""') + '"'
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        value = ARRAY_DELIMITER.join(str(v) for v in value)
    elif isinstance(value, date):
        value = value.isoformat()
    # Always quoted: "" stays an empty string, an empty cell stays an absent property.
    return '"' + str(value).replace('"', '""') + '"'


def write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        for row in rows:
            handle.write(",".join(map(cell, row)) + "\n")
            count += 1
    return count


def import_dir(settings: Settings) -> Path:
    return Path(settings.neo4j_home) / "import"


def usable(settings: Settings) -> bool:
    """Server-side loading needs our own local Neo4j (we write into its import folder)."""
    choice = os.environ.get("FC_LOAD_TRANSPORT", "auto")
    if choice == "unwind":
        return False
    local = "FC_NEO4J_URI" not in os.environ and (Path(settings.neo4j_home) / "conf" / "neo4j.conf").is_file()
    return choice == "csv" or local


def remove_stale_files(settings: Settings) -> None:
    """Files a killed load left in the import folder (they hold personal data): removed before the next load."""
    folder = import_dir(settings)
    if folder.is_dir():
        for stale in folder.glob("load-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in folder.glob("bulk-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _run_step(driver: Driver, step: str, folder: Path, path: Path, run: str, concurrency: int) -> tuple[int, list, str]:
    """(rows written, rows of failed transactions, first error) of one LOAD CSV step."""
    with driver.session(notifications_min_severity="OFF") as session:
        got = session.run(load_query(f"load_csv/{step}"), file=f"file:///{folder.name}/{path.name}", run=run,
                          batch=BATCH_SIZE, concurrency=concurrency, array_delimiter=ARRAY_DELIMITER).single()
    return got["written"], got["failed"], got["error"]


def write_generation_csv(driver: Driver, settings: Settings, prepared: Prepared, run: str,
                         counter: BatchCounter | None = None, progress: Progress | None = None,
                         ahead: PrepareAhead | None = None) -> None:
    """Write every CSV step of `prepared` into generation `run`: `prepared` is complete, or being prepared by
    `ahead` (graph_loader/prepare_ahead.py), whose lists are then each waited for."""
    rows_of = ahead.rows if ahead is not None else (lambda attr: getattr(prepared, attr))
    folder = import_dir(settings) / f"load-{run}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    report = prepared.report

    def write_file(step: str, attr: str, columns: Columns) -> tuple[Path, int]:
        rows = rows_of(attr)  # waits while they are being prepared
        t = time.perf_counter()
        path = folder / f"{step}.csv"
        write_csv(path, [name for name, _ in columns], ([get(row) for _, get in columns] for row in rows))
        report.timings[f"csv_{step}"] = round(time.perf_counter() - t, 2)
        return path, len(rows)

    # The next step's file is written while Neo4j writes this step's (the loader waits on the socket meanwhile):
    # at most one file ahead, so the import folder never holds more than two steps' rows.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-csv")
    task = progress.add_task("write", total=None) if progress else None
    try:
        upcoming = writer.submit(write_file, *CSV_STEPS[0])
        for index, (step, attr, columns) in enumerate(CSV_STEPS):
            t = time.perf_counter()
            path, sent = upcoming.result()
            report.timings[f"wait_{step}"] = round(time.perf_counter() - t, 2)
            if index + 1 < len(CSV_STEPS):
                upcoming = writer.submit(write_file, *CSV_STEPS[index + 1])
            if task is not None:
                progress.update(task, description=f"write {step}")
            t = time.perf_counter()
            written, failed, error = _run_step(driver, step, folder, path, run, CONCURRENCY)
            if failed:
                # Transactions that failed were rolled back whole (most likely two concurrent ones deadlocked on a
                # node both connect to): their rows again, one transaction at a time, where a real error stays.
                header = [name for name, _ in columns]
                retry = folder / f"{step}-retry.csv"
                write_csv(retry, header, ([row.get(name) for name in header] for row in failed))
                again, still, error = _run_step(driver, step, folder, retry, run, 1)
                written += again
                report.written[f"{attr}_retried_alone"] = len(failed)
                if still:
                    raise LoadWriteError(f"{step}: {len(still)} rows not written: {error}")
            report.timings[f"write_{step}"] = round(time.perf_counter() - t, 2)
            if written != sent:
                raise LoadWriteError(f"{step}: {sent} rows sent, {written} written")
            report.written[attr] = written
            if task is not None:
                progress.advance(task, written)
            path.unlink()
            if counter:
                counter.done(step)
    except BaseException:
        if ahead is not None:
            ahead.close()  # the file writer may be waiting for rows: it stops waiting
        raise
    finally:
        writer.shutdown(wait=True, cancel_futures=True)  # no file is being written when the folder is removed
        shutil.rmtree(folder, ignore_errors=True)
