"""Stockport Homes: tenancies (~30% of households; current and former) and anti-social-behaviour case parties."""
from __future__ import annotations

from datetime import date, timedelta

from demo_town import dates
from demo_town.context import Context
from demo_town.population import Address, Household, Person

INVOLVED = {"lcs", "yos", "probation"}


def run_tenancies(ctx: Context, households: list[Household]) -> None:
    rng = ctx.rng
    extracted = ctx.extracted_at["housing_tenancy"]
    floor, _ = ctx.coverage("housing_tenancy")
    officer = None
    for hh in households:
        if officer is None or rng.random() < 0.1:
            officer = ctx.staff.pick(rng, "housing", "Housing Officer")
        adults = hh.adults()
        if not adults:
            continue
        tenants = adults[:2] if hh.kind not in ("shared", "alone") and len(adults) >= 2 and rng.random() < 0.7 \
            else adults[:1]
        if hh.social_tenant:
            lower = max([floor] + [dates.add_years(t.dob, 18) for t in tenants])
            if hh.moved_on:
                lower = max(lower, hh.moved_on)
            start = dates.between(rng, lower, extracted - timedelta(days=20))
            r = rng.random()
            nosp = evict = None
            if r < 0.06:
                nosp = dates.between(rng, extracted - timedelta(days=365), extracted - timedelta(days=2))
                if rng.random() < 0.3:
                    evict = dates.between(rng, nosp, extracted - timedelta(days=1))
            elif r < 0.09:  # an old notice, more than a year ago (not shown by the product)
                nosp = dates.between(rng, max(start, extracted - timedelta(days=5 * 365)), extracted - timedelta(days=400))
            if nosp is not None and nosp < start:
                nosp = evict = None
            a = rng.random()
            arrears = 0.0 if a < 0.72 else round(rng.uniform(0.1, 5.9), 1) if a < 0.9 else round(rng.uniform(6.1, 30), 1)
            if nosp is not None and arrears < 6:
                arrears = round(rng.uniform(6.1, 25), 1)
            _tenancy(ctx, hh, tenants, hh.address, start, None, nosp, evict, arrears, officer)
        if hh.prev_address is not None and rng.random() < (0.45 if hh.social_tenant else 0.15):
            end = hh.moved_on
            lower = max([floor] + [dates.add_years(t.dob, 18) for t in tenants])
            if lower < end - timedelta(days=60):
                start = dates.between(rng, lower, end - timedelta(days=60))
                arrears = 0.0 if rng.random() < 0.8 else round(rng.uniform(0.5, 12), 1)
                _tenancy(ctx, hh, tenants, hh.prev_address, start, end, None, None, arrears, officer)


def _tenancy(ctx: Context, hh: Household, tenants: list[Person], addr: Address, start: date, end: date | None,
             nosp, evict, arrears: float, officer) -> None:
    rng, m = ctx.rng, ctx.mess
    tenancy_ref = ctx.next_id("tenancy")
    name, phone, email = ctx.staff_contact(officer, 0.1, 0.2)
    for t in tenants:
        ref = ctx.next_id("tenant")
        if end is None:
            t.involved.add("tenant")
            t.records["housing_tenancy"] = ref
        ctx.sinks.record("housing_tenancy", [
            ref, tenancy_ref, m.forename("housing_tenancy", t), m.surname("housing_tenancy", t),
            dates.uk(m.dob("housing_tenancy", t)), m.one_line("housing_tenancy", addr),
            m.postcode("housing_tenancy", addr.postcode), dates.uk(start), dates.uk(end), dates.uk(nosp),
            dates.uk(evict), f"{arrears:.1f}", name, phone, email], t.pid)
        if end is None:
            ctx.contacts("housing_tenancy", ref, t, known=0.8)


def run_asb(ctx: Context, households: list[Household]) -> None:
    """Cases since 2010: perpetrators mostly from households other services know, victims and witnesses anywhere."""
    rng = ctx.rng
    extracted = ctx.extracted_at["housing_asb"]
    floor, _ = ctx.coverage("housing_asb")
    candidates = [hh for hh in households if any(p.age >= 12 for p in hh.members)]
    if not candidates:
        return
    weights = [1 + 25 * any(p.involved & INVOLVED for p in hh.members) + 2 * hh.social_tenant for hh in candidates]
    n_cases = int(len(households) * 0.012 + rng.random())
    on_street: dict[str, list[Household]] = {}
    for hh in candidates:
        on_street.setdefault(hh.address.street, []).append(hh)
    for _ in range(n_cases):
        perp_hh = rng.choices(candidates, weights)[0]
        opened = dates.between(rng, floor, extracted - timedelta(days=3))
        closed = None
        if (extracted - opened).days > 200 or rng.random() < 0.5:
            closed = dates.between(rng, opened + timedelta(days=14), opened + timedelta(days=540))
            if closed >= extracted:
                closed = None
        case_ref = f"ASB/{opened.year}/{ctx.next_id('asb_case')}"
        officer = ctx.staff.pick(rng, "housing", "ASB Officer", "Housing Officer")
        perps = [p for p in perp_hh.members if dates.age_on(p.dob, opened) >= 12]
        if not perps:
            continue
        rng.shuffle(perps)
        parties = [(p, "perpetrator") for p in perps[:rng.choice((1, 1, 1, 2))]]
        neighbours = [hh for hh in on_street.get(perp_hh.address.street, ()) if hh is not perp_hh]
        for role, count in (("victim", rng.choice((1, 1, 2))), ("witness", rng.choice((0, 0, 1, 2)))):
            for _ in range(count):
                # Victims and witnesses are mostly neighbours (same street), sometimes from further away.
                other = rng.choice(neighbours) if neighbours and rng.random() < 0.7 else rng.choice(candidates)
                adults = [p for p in other.members if dates.age_on(p.dob, opened) >= 16]
                if other is not perp_hh and adults:
                    party = rng.choice(adults)
                    if all(party is not p for p, _ in parties):  # one row per person per case
                        parties.append((party, role))
        for p, role in parties:
            _party(ctx, p, case_ref, role, opened, closed, officer.name)


def _party(ctx: Context, p: Person, case_ref: str, role: str, opened: date, closed: date | None, officer: str) -> None:
    m = ctx.mess
    hh = p.hh
    addr = hh.prev_address if hh.moved_on is not None and opened < hh.moved_on else hh.address
    party_id = ctx.next_id("asb_party")
    ctx.sinks.record("housing_asb", [
        party_id, case_ref, m.forename("housing_asb", p), m.surname("housing_asb", p),
        dates.uk(m.dob("housing_asb", p)), m.one_line("housing_asb", addr), m.postcode("housing_asb", addr.postcode),
        role, dates.uk(opened), dates.uk(closed), officer], p.pid)
