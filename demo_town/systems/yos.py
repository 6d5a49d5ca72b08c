"""Youth Offending Service: ~1.5% of 10-17 year olds, far more often children known to LCS."""
from __future__ import annotations

from datetime import timedelta

from demo_town import dates
from demo_town.context import Context
from demo_town.population import Household

INTERVENTIONS = (("Referral Order", 35), ("Youth Rehabilitation Order", 15), ("Out of Court Disposal", 35),
                 ("Youth Caution", 10), ("Detention and Training Order", 5))


def run(ctx: Context, households: list[Household]) -> None:
    rng, m = ctx.rng, ctx.mess
    kinds, weights = zip(*INTERVENTIONS)
    extracted = ctx.extracted_at["yos"]
    for hh in households:
        for p in hh.members:
            age = p.age
            if not 10 <= age <= 17:
                continue
            if rng.random() >= (0.10 if "lcs" in p.involved else 0.007) * (1.6 if p.sex == "M" else 0.5):
                continue
            p.involved.add("yos")
            yos_id = ctx.next_id("yos")
            p.records["yos"] = yos_id
            earliest = max(dates.add_years(p.dob, 10), extracted - timedelta(days=3 * 365))
            start = dates.between(rng, earliest, extracted - timedelta(days=7))
            end = None if rng.random() < 0.5 else dates.between(rng, start + timedelta(days=30), extracted)
            if end is not None and end >= extracted:
                end = None
            worker = ctx.staff.pick(rng, "youth_justice", "YOS Case Manager")
            name, phone, email = ctx.staff_contact(worker, 0.15, 0.2)
            addr = m.address("yos", p)
            ctx.sinks.record("yos", [
                yos_id, m.forename("yos", p), m.surname("yos", p), dates.iso(m.dob("yos", p)), p.sex,
                m.one_line("yos", addr), m.postcode("yos", addr.postcode), rng.choices(kinds, weights)[0],
                dates.iso(start), dates.iso(end), name, phone, email], p.pid)
            ctx.contacts("yos", yos_id, p, known=0.7)
