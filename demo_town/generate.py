"""`family-context generate`: build the town chunk by chunk and stream every source extract to disk."""
from __future__ import annotations

import json
import random
import time
from datetime import timedelta
from pathlib import Path

from demo_town import dates
from demo_town.context import Context, make_counters
from demo_town.extracts import SOURCES, STAFF, Sinks, all_headers
from demo_town.mess import Mess
from demo_town.pools import Pools
from demo_town.population import Population
from demo_town.staff import StaffDirectory
from demo_town.systems import health, housing, las, lcs, probation, synergy, yos

# Later systems skew towards people the earlier ones involved.
ORDER = (lcs.run, las.run, yos.run, probation.run, synergy.run, housing.run_tenancies, housing.run_asb, health.run)
CHUNK_PEOPLE = 4000


def extract_dates(seed: int) -> dict[str, object]:
    """Each source was extracted one to three days before the town was generated (fixed per seed)."""
    rng = random.Random(f"extracts-{seed}")
    return {src: dates.GENERATED_AT - timedelta(days=rng.randint(1, 3)) for src in SOURCES}


def generate_town(people: int, seed: int, out: Path, progress: bool = True) -> dict:
    """Write every file of docs/extracts.md into `out`; return the manifest."""
    if people < 1:
        raise ValueError("people must be at least 1")
    t0 = time.perf_counter()
    out = Path(out)
    rng = random.Random(seed)
    pools = Pools(seed, people)
    staff = StaffDirectory(seed, people, pools)
    sinks = Sinks(out)
    ctx = Context(seed=seed, rng=rng, pools=pools, staff=staff, sinks=sinks, mess=Mess(rng),
                  extracted_at=extract_dates(seed), counters=make_counters(rng))
    population = Population(rng, pools)
    try:
        if progress:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            with Progress(TextColumn("[bold]Generating town"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} people"),
                          TimeElapsedColumn(), TimeRemainingColumn(), transient=True) as bar:
                task = bar.add_task("people", total=people)
                for chunk in population.chunks(people, CHUNK_PEOPLE):
                    _chunk(ctx, chunk)
                    bar.update(task, completed=population.n_people)
        else:
            for chunk in population.chunks(people, CHUNK_PEOPLE):
                _chunk(ctx, chunk)
        for s in staff.all:
            sinks.write(STAFF, (s.staff_id, s.name, s.role, s.team, s.service, s.phone, s.email))
    finally:
        sinks.close()
    manifest = _manifest(ctx, seed, people, population.n_households)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    seconds = time.perf_counter() - t0
    if progress:
        per_source = ", ".join(f"{src} {manifest['sources'][src]['rows']:,}" for src in SOURCES)
        print(f"Generated {population.n_people:,} people in {population.n_households:,} households -> {out}: "
              f"{per_source}, relationships {manifest['files']['childrens_social_care_relationships.csv']:,}, "
              f"contact numbers {manifest['files']['contact_numbers.csv']:,}, staff {manifest['files'][STAFF]:,} "
              f"in {seconds:.1f} s")
    return manifest


def _chunk(ctx: Context, households) -> None:
    for system in ORDER:
        system(ctx, households)


def _manifest(ctx: Context, seed: int, people: int, households: int) -> dict:
    sources = {}
    for src, (file, system, _) in SOURCES.items():
        start, end = ctx.coverage(src)
        sources[src] = {"file": file, "system": system, "extracted_at": dates.iso(ctx.extracted_at[src]),
                        "coverage_from": dates.iso(start), "coverage_to": dates.iso(end),
                        "rows": ctx.sinks.rows[file]}
    return {"seed": seed, "people": people, "households": households, "generated_at": dates.iso(dates.GENERATED_AT),
            "sources": sources, "files": {f: ctx.sinks.rows[f] for f in all_headers()}}
