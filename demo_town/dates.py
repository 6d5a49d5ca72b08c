"""Dates: the town's fixed 'today', each source's date format, and seeded random dates."""
from __future__ import annotations

import random
from datetime import date, timedelta

# Fixed so that the same seed gives byte-identical files whenever the generator runs (never the wall clock).
GENERATED_AT = date(2026, 11, 23)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def uk(d: date | None) -> str:
    """DD/MM/YYYY (LCS, housing, probation)."""
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def iso(d: date | None) -> str:
    """YYYY-MM-DD (LAS, YOS, contact numbers)."""
    return "" if d is None else f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def synergy(d: date | None) -> str:
    """DD-Mon-YYYY, English month names whatever the locale (Synergy)."""
    return "" if d is None else f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year:04d}"


def compact(d: date | None) -> str:
    """YYYYMMDD (health)."""
    return "" if d is None else f"{d.year:04d}{d.month:02d}{d.day:02d}"


def between(rng: random.Random, start: date, end: date) -> date:
    """A uniformly random day in [start, end]; start when the range is empty."""
    a, b = start.toordinal(), end.toordinal()
    return date.fromordinal(a if b <= a else rng.randint(a, b))


def dob_for_age(rng: random.Random, age: int, today: date = GENERATED_AT) -> date:
    """A date of birth giving exactly `age` whole years on `today`."""
    latest = add_years(today, -age)
    earliest = add_years(today, -age - 1) + timedelta(days=1)
    return between(rng, earliest, latest)


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
