"""Liquidlogic LAS: ~4% of adults (15+) with a current or past referral; older people far more often."""
from __future__ import annotations

from datetime import timedelta

from demo_town import dates
from demo_town.context import Context
from demo_town.population import Household


def chance(age: int, lcs_parent: bool) -> float:
    base = 0.018 if age < 65 else 0.08 if age < 80 else 0.2
    return base * (3 if lcs_parent else 1)


def run(ctx: Context, households: list[Household]) -> None:
    rng, m = ctx.rng, ctx.mess
    extracted = ctx.extracted_at["las"]
    floor, _ = ctx.coverage("las")
    for hh in households:
        for p in hh.members:
            age = p.age
            if age < 15 or rng.random() >= chance(age, "lcs" in p.involved and age >= 18):
                continue
            p.involved.add("las")
            las_id = ctx.next_id("las")
            p.records["las"] = las_id
            current = rng.random() < 0.45
            start = dates.between(rng, max(floor, dates.add_years(p.dob, 15)), extracted - timedelta(days=14))
            end = None if current else dates.between(rng, start + timedelta(days=14), extracted - timedelta(days=1))
            note = dates.between(rng, start, end or extracted)
            worker = ctx.staff.pick(rng, "adult_social_care", "Social Worker", "Care Coordinator") if rng.random() < 0.85 else None
            name, _, email = ctx.staff_contact(worker, 1.0, 0.55)
            team = worker.team if worker else ("Adult Contact Team" if rng.random() < 0.7 else "")
            nhs = ""
            if rng.random() < 0.4:
                nhs = f"{p.nhs[:3]} {p.nhs[3:6]} {p.nhs[6:]}" if rng.random() < 0.3 else p.nhs
            addr = m.address("las", p)
            sex = {"M": "Male", "F": "Female"}[p.sex] if rng.random() > 0.01 else "Unknown"
            ctx.sinks.record("las", [
                las_id, m.forename("las", p), m.surname("las", p), dates.iso(m.dob("las", p)), sex,
                m.one_line("las", addr), m.postcode("las", addr.postcode), nhs, dates.iso(start), dates.iso(end),
                dates.iso(note), name, email, team], p.pid)
            ctx.contacts("las", las_id, p, known=0.8)
