"""Synergy: children of school age (Reception to Year 13) registered at a school; a few dual registrations."""
from __future__ import annotations

from datetime import date

from demo_town import dates
from demo_town.context import Context
from demo_town.nicknames import nicknames_for
from demo_town.pools import School
from demo_town.population import Household, Person


def school_year_age(p: Person, extracted: date) -> int:
    """Age on 31 August before the current academic year: 4 = Reception, 15 = Year 11, 17 = Year 13."""
    year = extracted.year if extracted.month >= 9 else extracted.year - 1
    return dates.age_on(p.dob, date(year, 8, 31))


def run(ctx: Context, households: list[Household]) -> None:
    rng = ctx.rng
    extracted = ctx.extracted_at["synergy"]
    primaries, secondaries, units, near = _schools(ctx)
    for hh in households:
        district = hh.address.postcode.split(" ")[0]
        near_p = near.get(("primary", district)) or primaries
        near_s = near.get(("secondary", district)) or secondaries
        family_primary, family_secondary = rng.choice(near_p), rng.choice(near_s)
        for p in hh.members:
            sy = school_year_age(p, extracted)
            if not 4 <= sy <= 17:
                continue
            if rng.random() >= (0.975 if sy <= 15 else 0.55):  # home educated, or left at 16
                continue
            primary = sy <= 10
            school = (family_primary if rng.random() < 0.9 else rng.choice(primaries)) if primary else \
                (family_secondary if rng.random() < 0.85 else rng.choice(secondaries))
            entry_age = 4 if primary else 11
            usual = date(extracted.year - (sy - entry_age) - (0 if extracted.month >= 9 else 1), 9, 1)
            if hh.moved_on and hh.moved_on > usual and rng.random() < 0.6:  # changed school after moving
                admission = hh.moved_on
            else:
                admission = usual if rng.random() < 0.85 else dates.between(rng, usual, extracted)
            upn = ctx.upns.next(school.dfe, dates.add_years(p.dob, 4).year)
            p.involved.add("synergy")
            troubled = bool(p.involved & {"lcs", "yos"})
            dual = (rng.random() < (0.08 if troubled else 0.012)) and not primary and units
            _row(ctx, p, upn, 1, school, "dual_main" if dual else "single", admission, troubled)
            if dual:
                _row(ctx, p, upn, 2, rng.choice(units), "dual_subsidiary",
                     dates.between(rng, admission, extracted), troubled)


_SCHOOLS: dict[int, tuple] = {}


def _schools(ctx: Context) -> tuple:
    """(primaries, secondaries, units, {(phase, "SK3"): schools}) for this town, worked out once."""
    key = id(ctx.pools)
    if key not in _SCHOOLS:
        _SCHOOLS.clear()
        near: dict[tuple[str, str], list[School]] = {}
        for s in ctx.pools.schools:
            near.setdefault((s.phase, f"SK{s.district}"), []).append(s)
        _SCHOOLS[key] = ([s for s in ctx.pools.schools if s.phase == "primary"],
                         [s for s in ctx.pools.schools if s.phase == "secondary"],
                         [s for s in ctx.pools.schools if s.phase == "pru"], near)
    return _SCHOOLS[key]


def _row(ctx: Context, p: Person, upn: str, seq: int, school: School, reg_type: str, admission: date,
         troubled: bool) -> None:
    rng, m = ctx.rng, ctx.mess
    record_id = f"{upn}-{seq}"
    if seq == 1:
        p.records["synergy"] = record_id
    dsl = ctx.staff.dsl[school.name]
    addr = m.address("synergy", p)
    nicks = nicknames_for(p.forename)
    preferred = rng.choice(nicks) if nicks and rng.random() < 0.3 else ""
    attendance = min(100.0, max(20.0, rng.gauss(86 if troubled else 95, 9 if troubled else 4)))
    exclusions = 0 if rng.random() < (0.75 if troubled else 0.985) else rng.randint(1, 4 if troubled else 2)
    ctx.sinks.record("synergy", [
        record_id, upn, seq, m.forename("synergy", p, nickname=False), m.surname("synergy", p), preferred,
        dates.synergy(m.dob("synergy", p)), p.sex, m.street_line("synergy", addr), addr.locality,
        m.postcode("synergy", addr.postcode), school.name, school.phone, school.email, dsl.name, reg_type,
        dates.synergy(admission), "", f"{attendance:.1f}", exclusions], p.pid)
