"""Health: ~95% of everyone registered with a GP; health visitors (under 5), school nurses (5-18), midwives."""
from __future__ import annotations

from demo_town import dates
from demo_town.context import Context
from demo_town.population import Household

SEX = {"M": "1", "F": "2"}


def run(ctx: Context, households: list[Household]) -> None:
    rng, m = ctx.rng, ctx.mess
    practices = ctx.pools.practices
    by_district = ctx.pools.practices_by_district
    for hh in households:
        near = by_district.get(hh.address.postcode.split(" ")[0]) or practices
        family_gp = rng.choice(near)
        for p in hh.members:
            if rng.random() >= 0.95:
                continue
            gp = family_gp if rng.random() < 0.85 else rng.choice(practices)
            age = p.age
            role, staff = "", None
            if age < 5 and rng.random() < 0.95:
                role, staff = "health visitor", ctx.staff.pick(rng, "health", "Health Visitor")
            elif 5 <= age <= 18 and rng.random() < 0.9:
                role, staff = "school nurse", ctx.staff.pick(rng, "health", "School Nurse")
            elif p.pregnant:
                role, staff = "midwife", ctx.staff.pick(rng, "health", "Midwife")
            name, phone, email = ctx.staff_contact(staff, 0.1, 0.3)
            addr = m.address("health", p)
            p.records["health"] = p.nhs
            sex = SEX[p.sex] if rng.random() > 0.005 else "9"
            ctx.sinks.record("health", [
                p.nhs, m.forename("health", p), m.surname("health", p), dates.compact(m.dob("health", p)), sex,
                m.one_line("health", addr), m.postcode("health", addr.postcode), gp.name, gp.phone, role, name,
                phone, email], p.pid)
            if age >= 16:
                ctx.contacts("health", p.nhs, p, known=0.6)
