"""Probation (nDelius): ~1% of adults, skewed to young men and to parents of children known to LCS."""
from __future__ import annotations

from datetime import timedelta

from demo_town import dates
from demo_town.context import Context
from demo_town.population import Household

CRN_LETTERS = "ABCDEFGHJKLMNPRSTVWXY"


def chance(age: int, sex: str, lcs_adult: bool) -> float:
    base = 0.016 if age < 30 else 0.011 if age < 45 else 0.004 if age < 65 else 0.0005
    base *= 1.7 if sex == "M" else 0.35
    return base * (12 if lcs_adult else 1)


def run(ctx: Context, households: list[Household]) -> None:
    rng, m = ctx.rng, ctx.mess
    extracted = ctx.extracted_at["probation"]
    for hh in households:
        for p in hh.members:
            age = p.age
            if age < 18 or rng.random() >= chance(age, p.sex, "lcs" in p.involved):
                continue
            p.involved.add("probation")
            crn = rng.choice(CRN_LETTERS) + ctx.next_id("crn")
            p.records["probation"] = crn
            earliest = max(dates.add_years(p.dob, 18), extracted - timedelta(days=5 * 365))
            start = dates.between(rng, earliest, extracted - timedelta(days=7))
            end = None if rng.random() < 0.6 else dates.between(rng, start + timedelta(days=60), extracted)
            if end is not None and end >= extracted:
                end = None
            worker = ctx.staff.pick(rng, "probation", "Probation Officer", "Probation Services Officer")
            name, phone, email = ctx.staff_contact(worker, 0.1, 0.25)
            addr = m.address("probation", p)
            ctx.sinks.record("probation", [
                crn, m.forename("probation", p), m.surname("probation", p), dates.uk(m.dob("probation", p)),
                {"M": "Male", "F": "Female"}[p.sex], m.one_line("probation", addr),
                m.postcode("probation", addr.postcode), dates.uk(start), dates.uk(end), name, phone, email], p.pid)
            ctx.contacts("probation", crn, p, known=0.75)
