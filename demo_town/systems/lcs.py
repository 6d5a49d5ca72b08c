"""Liquidlogic LCS: ~6% of children, with their parents and carers as adult records, and the relationships."""
from __future__ import annotations

from datetime import timedelta

from demo_town import dates
from demo_town.context import Context
from demo_town.extracts import RELATIONSHIPS
from demo_town.population import Household, Person

# Chance that a household's children are known to children's social care, by household kind.
KNOWN = {"couple_kids": 0.024, "multigen": 0.035, "single_parent": 0.075, "step": 0.085, "grandparent_carer": 0.45,
         "couple_adult_kids": 0.012}


def run(ctx: Context, households: list[Household]) -> None:
    rng = ctx.rng
    for hh in households:
        kids = hh.children()
        if not kids or rng.random() >= KNOWN.get(hh.kind, 0.03):
            continue
        _family(ctx, hh, kids)


def _family(ctx: Context, hh: Household, kids: list[Person]) -> None:
    rng = ctx.rng
    extracted = ctx.extracted_at["lcs"]
    start_floor, _ = ctx.coverage("lcs")
    open_case = rng.random() < 0.4
    worker = ctx.staff.pick(rng, "childrens_social_care", "Social Worker", "Senior Social Worker")
    allocated = worker if rng.random() < (0.9 if open_case else 0.7) else None  # one worker for the siblings
    if open_case:
        start = dates.between(rng, extracted - timedelta(days=3 * 365), extracted - timedelta(days=7))
        end = None
    else:
        start = dates.between(rng, start_floor, extracted - timedelta(days=120))
        end = min(extracted - timedelta(days=1), start + timedelta(days=rng.randint(30, 900)))
    adults: list[Person] = []
    for k in kids:
        k_start = max(start, k.dob)
        status = "open" if open_case else "closed"
        _record(ctx, k, "child", status, k_start, end if end is None or end >= k_start else k_start, allocated)
        for rel, _kind in k.rels:
            if rel not in adults and rel.age >= 16 and rel not in kids:
                adults.append(rel)
    for a in hh.adults():
        if a not in adults and rng.random() < 0.5:  # other adults in the house are often recorded too
            adults.append(a)
            for k in kids:
                k.rels.append((a, "other"))
    for a in adults:
        if "lcs" not in a.records:
            _record(ctx, a, "adult", "", None, None, None)
            if rng.random() < 0.015:  # recorded twice (a duplicate LCS person record)
                _record(ctx, a, "adult", "", None, None, None, duplicate=True)
    for k in kids:
        for rel, kind in k.rels:
            if "lcs" in rel.records:
                ctx.sinks.write(RELATIONSHIPS, (k.records["lcs"], rel.records["lcs"], kind))


def _record(ctx: Context, p: Person, person_type: str, status: str, start, end, worker, duplicate=False) -> None:
    m = ctx.mess
    lcs_id = ctx.next_id("lcs")
    if not duplicate:
        p.records["lcs"] = lcs_id
        p.involved.add("lcs")
    addr = m.address("lcs", p)
    name, team = (worker.name, worker.team) if worker else ("", "")
    ctx.sinks.record("lcs", [
        lcs_id, m.forename("lcs", p), m.surname("lcs", p), dates.uk(m.dob("lcs", p)), p.sex,
        m.street_line("lcs", addr), addr.locality, addr.town, m.postcode("lcs", addr.postcode),
        person_type, status, dates.uk(start), dates.uk(end), name, team], p.pid)
    if p.age >= 12:
        ctx.contacts("lcs", lcs_id, p, known=0.85)
