"""Graph load benchmark: transactional full load vs neo4j-admin bulk import, and a one-source (housing) refresh.

    .venv/bin/python bench/bench_load.py --people 100000 [--seed 3] [--work var/bench/load]
        [--extracts DIR --linked DIR]   reuse a generated and linked town instead of making one
        [--heap 4g --pagecache 4g]      the private Neo4j's memory (defaults: FC_NEO4J_HEAP / FC_NEO4J_PAGECACHE)
        [--skip-bulk] [--skip-reload] [--refreshes N] [--next-extract-days 7] [--skip-replace-all]
        [--reuse] [--realistic N]           refresh a database an earlier run left in the work folder
        [--restore-from DIR]                first replace that database with a copy of DIR (implies --reuse)


Runs a private Neo4j under the work folder (its own port) and stops it at the end. Prints one JSON object:

- transactional: first full load into an empty database (prepare, write, publish seconds; nodes, relationships,
  nodes+relationships per second over the whole load and over the write phase);
- reload: the same input loaded again while the first generation serves (what a nightly load costs), plus the
  time to remove the superseded generation afterwards (readers already see the new one by then);
- refresh_housing: `--only housing_tenancy,housing_asb` with the same extracts (nothing changes, so this measures the
  fixed cost: preparing, reading and comparing), `published_after` being when readers see it;
- refresh_housing_next_extract: the same rows with an extract date a week later: every record's extract date and
  every tenant's address "last seen" change, and date-relative rules re-evaluate (the realistic daily case);
- bulk: `--bulk` (prepare, CSV writing, neo4j-admin import, Neo4j restart, index build; the cache warm-up that
  follows is in its timings, not its seconds);
- ratio transactional/bulk.

Every refresh also reports the CPU seconds of the loading process and of the Neo4j server it took (on the shared
2-core machine they hold still where wall time does not) and the load average before and after it.

`--reuse` keeps the database an earlier run of the same --work and --people left (the first full load at a million
people takes about 9 minutes) and only refreshes it: use `--refreshes 0` and a --next-extract-days larger than any
earlier run's, so that each realistic refresh really moves the extract date on; `--realistic N` runs N of them in a
row, each a further --next-extract-days later.

`--restore-from DIR` first replaces that database with a copy of DIR, so that runs of two versions of the code, one
after the other in the same hour, refresh the same graph (the machine's speed moves figures by a quarter from one
hour to the next: compare only within one). The worst case, the first refresh after a restart in which households
change: after a full load, stop and copy once (`cp -a var/bench/full/neo4j-1000000 var/bench/snap`), then per run
`--work var/bench/full --restore-from var/bench/snap --refreshes 0 --skip-replace-all --realistic 1
--next-extract-days 21 --skip-bulk` with the same --people, --extracts and --linked.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "demo_town" / "sources.yaml"


def _totals(counts: dict) -> tuple[int, int]:
    return sum(counts["nodes"].values()), sum(counts["relationships"].values())


def _rates(seconds: float, nodes: int, rels: int) -> dict:
    return {"seconds": round(seconds, 1), "nodes": nodes, "relationships": rels,
            "entities_per_second": round((nodes + rels) / seconds) if seconds else None}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    """CPU of this process's finished children: the full load's helper process (reaped when the preparation ends)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _full_load(args, out: dict, extracts: Path, linked: Path, settings) -> dict:
    """The transactional first load into an empty database; returns the published generation's counts."""
    from bench.cpu import cpu_seconds
    from family_context import neo4j_server
    from family_context.neo4j_client import get_driver
    from graph_loader.inspect import generation_counts
    from graph_loader.load import load_graph

    server = neo4j_server.server_pid(settings)
    before = (_own_cpu(), _children_cpu(), cpu_seconds(server) if server else 0.0, os.getloadavg())
    t = time.perf_counter()
    report = load_graph(extracts, linked, SOURCES, settings)
    seconds = time.perf_counter() - t
    # Preparing now overlaps writing: the CPU each side used shows how much of the 2 cores was left idle.
    cpu = {"loader": round(_own_cpu() - before[0], 1), "loader_helper": round(_children_cpu() - before[1], 1),
           "neo4j": round((cpu_seconds(server) if server else 0.0) - before[2], 1)}
    counts = generation_counts(get_driver(settings))
    nodes, rels = _totals(counts)
    out["graph"] = counts
    out["transactional"] = {**_rates(seconds, nodes, rels), "timings": report.timings,
                            "write_entities_per_second": round((nodes + rels) / report.timings["write"]),
                            "cpu_seconds": cpu, "load_average_before": before[3], "load_average": os.getloadavg(),
                            # rows of concurrent transactions that failed (deadlocked) and were written again alone
                            "rows_retried_alone": {k: v for k, v in report.written.items()
                                                   if k.endswith("_retried_alone")}}
    return counts


def main() -> int:
    with contextlib.redirect_stdout(sys.stderr):  # Neo4j's start/stop messages; stdout carries only the JSON
        out = run()
    print(json.dumps(out, indent=2, default=str))
    return 0 if "error" not in out else 1  # noqa: E501


def run() -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "load")
    ap.add_argument("--extracts", type=Path)
    ap.add_argument("--linked", type=Path)
    ap.add_argument("--heap", default=os.environ.get("FC_NEO4J_HEAP", "4g"))
    ap.add_argument("--pagecache", default=os.environ.get("FC_NEO4J_PAGECACHE", "4g"))
    ap.add_argument("--skip-bulk", action="store_true")
    ap.add_argument("--skip-reload", action="store_true")
    ap.add_argument("--refreshes", type=int, default=1, help="housing refreshes in a row (the first pays warm-up)")
    ap.add_argument("--next-extract-days", type=int, default=7,
                    help="then refresh housing from a copy of the extracts dated this many days later (0: skip)")
    ap.add_argument("--skip-replace-all", action="store_true",
                    help="of the later extracts, refresh only keeping unchanged records (the default mode)")
    ap.add_argument("--reuse", action="store_true",
                    help="refresh the database a previous run left in --work instead of loading a new one")
    ap.add_argument("--realistic", type=int, default=1, help="realistic refreshes in a row (keeping unchanged)")
    ap.add_argument("--restore-from", type=Path,
                    help="a copy of an earlier run's neo4j-N folder (cp -a, Neo4j stopped): the database is replaced "
                         "by it before Neo4j starts, so A/B runs of one refresh all start from the same graph")
    args = ap.parse_args()
    # Absolute: neo4j-admin (the bulk import) runs in Neo4j's home, where a relative --work names another folder.
    args.work = args.work.resolve()
    os.environ["FC_LOAD_GRACE_SECONDS"] = "0"

    from family_context import neo4j_server
    from bench.cpu import cpu_seconds
    from family_context.neo4j_client import get_driver
    from family_context.settings import Settings
    from graph_loader import runs
    from graph_loader.batches import BATCH_SIZE
    from graph_loader.inspect import generation_counts
    from graph_loader.load import load_graph
    from graph_loader.runs import published_run

    runs.GRACE_SECONDS = 0.0
    out: dict = {"people": args.people, "seed": args.seed, "batch_size": BATCH_SIZE, "heap": args.heap,
                 "pagecache": args.pagecache, "cpus": os.cpu_count(),
                 "load_average_at_start": os.getloadavg()}  # other work on the machine skews every figure
    extracts = args.extracts or args.work / f"town-{args.people}-{args.seed}" / "extracts"
    linked = args.linked or extracts.parent / "linked"
    if not (linked / "clusters.csv").is_file():
        from demo_town.generate import generate_town
        from linkage.run import run_linkage

        t = time.perf_counter()
        if args.extracts is None:
            generate_town(people=args.people, seed=args.seed, out=extracts)
        out["generate_seconds"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        run_linkage(extracts=extracts, sources=SOURCES, out=linked, engine="duckdb")
        out["link_seconds"] = round(time.perf_counter() - t, 1)

    var = args.work / f"neo4j-{args.people}"
    if args.restore_from:
        args.reuse = True
        if not (args.restore_from / "neo4j" / "data").is_dir():
            return {"error": f"--restore-from {args.restore_from}: not a copy of a neo4j-N folder (no neo4j/data)"}
        t = time.perf_counter()
        shutil.rmtree(var, ignore_errors=True)
        shutil.copytree(args.restore_from, var, symlinks=True)  # a real copy: Neo4j writes its store files in place
        out["restored_from"] = str(args.restore_from)
        out["restore_seconds"] = round(time.perf_counter() - t, 1)
    if not args.reuse:
        shutil.rmtree(var, ignore_errors=True)
    settings = Settings(var_dir=var, neo4j_bolt_port=neo4j_server.free_port(), neo4j_heap=args.heap,
                        neo4j_pagecache=args.pagecache)
    began = time.perf_counter()
    if neo4j_server.start(settings, timeout=300) != 0:
        return {"error": "Neo4j did not start"}
    # Start includes the cache warm-up (--reuse: the first refresh then follows a restart with warmed caches);
    # FC_NEO4J_WARM_UP=0 measures the cold case.
    out["neo4j_start_seconds"] = round(time.perf_counter() - began, 1)
    out["neo4j_warm_up"] = os.environ.get("FC_NEO4J_WARM_UP", "1") != "0"

    def timed_refresh(extracts_dir: Path) -> tuple[object, dict]:
        """One housing refresh: its report, and its wall and CPU seconds (this process, the Neo4j server)."""
        server = neo4j_server.server_pid(settings)
        before = (time.perf_counter(), _own_cpu(), cpu_seconds(server) if server else 0.0, os.getloadavg())
        report = load_graph(extracts_dir, linked, SOURCES, settings, only=["housing_tenancy", "housing_asb"])
        seconds = time.perf_counter() - before[0]
        return report, {"seconds": round(seconds, 1), "timings": report.timings,
                        "cpu_seconds": {"loader": round(_own_cpu() - before[1], 1),
                                        "neo4j": round((cpu_seconds(server) if server else 0.0) - before[2], 1)},
                        "entities_written": report.written.get("entities"),
                        "entities_per_second": round(report.written.get("entities", 0) / seconds),
                        "written": report.written, "load_average_before": before[3], "load_average": os.getloadavg()}

    try:
        if args.reuse and published_run(get_driver(settings)) is not None:
            counts = generation_counts(get_driver(settings))
            out["graph"] = counts
            out["reused"] = str(var)
            args.skip_reload = True
        else:
            counts = _full_load(args, out, extracts, linked, settings)
        if not args.skip_reload:
            nodes, rels = _totals(counts)
            t = time.perf_counter()
            report = load_graph(extracts, linked, SOURCES, settings)
            seconds = time.perf_counter() - t
            out["reload"] = {**_rates(seconds, nodes, rels), "timings": report.timings,
                             "published_after_seconds": report.timings["publish"]}
        refreshes = []
        for _ in range(args.refreshes):
            report, figures = timed_refresh(extracts)
            refreshes.append({**figures, "rows": {k: vars(v) for k, v in report.counts.items()},
                              # the same input refreshed: the published graph must hold the same counts
                              "same_counts_after": generation_counts(get_driver(settings)) == counts})
        if refreshes:
            out["refresh_housing"] = refreshes[0] if len(refreshes) == 1 else refreshes
        from graph_loader import refresh as refresh_module

        # Next week's extract replacing every record, then the week after (and after) keeping unchanged ones.
        modes = ([] if args.skip_replace_all else [(False, 1)]) + [(True, 2 + i) for i in range(args.realistic)]
        for keep, weeks in (modes if args.next_extract_days else ()):
            days = args.next_extract_days * weeks
            refresh_module.KEEP_UNCHANGED = keep
            # Next week's housing extract: same rows, a later extract date. Every tenant's address is then "last
            # seen" later and date-relative rules re-evaluate, so the switch rewrites address history for every
            # person the source touches: the realistic case, unlike the same input twice.
            later = args.work / "next-extract"
            shutil.rmtree(later, ignore_errors=True)
            shutil.copytree(extracts, later, copy_function=os.link)  # hard links: only the manifest is rewritten
            manifest = json.loads((later / "manifest.json").read_text())
            for name in ("housing_tenancy", "housing_asb"):
                info = manifest["sources"][name]
                for field in ("extracted_at", "coverage_to"):
                    info[field] = (date.fromisoformat(info[field]) + timedelta(days=days)).isoformat()
            (later / "manifest.json").unlink()  # a new file, not written through the link into the original
            (later / "manifest.json").write_text(json.dumps(manifest, indent=2))
            report, figures = timed_refresh(later)
            name = "refresh_housing_next_extract" + ("_keeping_unchanged" if keep else "_replacing_all")
            if name in out:
                name += f"_{days}_days"
            out[name] = {"days_later": days, **figures}
        if not args.skip_bulk:
            t = time.perf_counter()
            report = load_graph(extracts, linked, SOURCES, settings, bulk=True)
            seconds = time.perf_counter() - t
            bulk_counts = generation_counts(get_driver(settings))
            # The cache warm-up after the import readies the server for its first queries; the transactional
            # load's server gets none, so it stays out of the comparison (reported in the timings).
            seconds -= report.timings.get("warm_up", 0.0)
            out["bulk"] = {**_rates(seconds, *_totals(bulk_counts)), "timings": report.timings,
                           "same_counts_as_transactional": bulk_counts == counts}
            out["transactional_over_bulk"] = round(out["transactional"]["seconds"] / out["bulk"]["seconds"], 2)
    except Exception as exc:  # keep the figures measured so far
        import traceback

        traceback.print_exc()
        out["error"] = f"{type(exc).__name__}: {str(exc)[:500]}"
    finally:
        neo4j_server.stop(settings)
    out["load_average_at_end"] = os.getloadavg()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


if __name__ == "__main__":
    sys.exit(main())
