"""The services Family Context shows, which source systems feed them, and how absence is worded.

One place for the facts the loader writes and the API reads back: a service's display name, its source system,
the sentence shown when a person is not in it ("Not found in Synergy", never a blank), and the age gate the councils
agreed with their information-governance teams (configurable through FC_AGE_GATES, e.g. `housing=16,probation=18`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    system: str
    sources: tuple[str, ...]
    not_found: str
    min_age: int | None = None
    max_age: int | None = None


SERVICES: tuple[Service, ...] = (
    Service("childrens_social_care", "Children's social care", "Liquidlogic LCS", ("lcs",),
            "Not found in Liquidlogic LCS"),
    Service("adult_social_care", "Adult social care", "Liquidlogic LAS", ("las",),
            "Not found in Liquidlogic LAS, or no caseworker assigned", min_age=15),
    Service("education", "Education", "Synergy", ("synergy",), "Not found in Synergy", min_age=4, max_age=20),
    Service("housing", "Housing", "Stockport Homes", ("housing_tenancy", "housing_asb"),
            "Not a current Stockport Homes tenant and not named in an anti-social behaviour case", min_age=16),
    Service("youth_justice", "Youth justice", "Youth Offending Service", ("yos",),
            "Not found in the Youth Offending Service records"),
    Service("probation", "Probation", "Probation (nDelius)", ("probation",), "Not under probation supervision",
            min_age=18),
    Service("health", "Health", "GP registration and 0-19 service", ("health",), "Not found in health records"),
)

SERVICE_BY_KEY: dict[str, Service] = {s.key: s for s in SERVICES}
SERVICE_BY_SOURCE: dict[str, Service] = {src: s for s in SERVICES for src in s.sources}


def age_gates() -> dict[str, tuple[int | None, int | None]]:
    """(min, max) age per service key; FC_AGE_GATES=key=min[-max],… overrides the defaults."""
    gates = {s.key: (s.min_age, s.max_age) for s in SERVICES}
    for item in filter(None, os.environ.get("FC_AGE_GATES", "").split(",")):
        key, _, bounds = item.partition("=")
        low, _, high = bounds.partition("-")
        gates[key.strip()] = (int(low) if low else None, int(high) if high else None)
    return gates


def shown_at_age(service_key: str, age: int | None) -> bool:
    """Whether a service is shown for someone of this age (unknown age: shown, so nothing is hidden by accident)."""
    low, high = age_gates().get(service_key, (None, None))
    if age is None:
        return True
    return (low is None or age >= low) and (high is None or age <= high)
