"""What every source writer shares: the seeded RNG, the mess, the open files, staff, extract dates and id counters."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from demo_town import dates
from demo_town.extracts import CONTACTS, Sinks
from demo_town.ids import Counter, Upns
from demo_town.mess import Mess
from demo_town.pools import Pools
from demo_town.population import Person
from demo_town.staff import Staff, StaffDirectory

# The period each extract covers (start); it ends on the extract date.
COVERAGE_FROM: dict[str, date | None] = {
    "lcs": date(2014, 1, 1),  # LCS went live; cases opened since
    "las": date(2014, 4, 1),
    "synergy": date(2026, 9, 1),  # current registrations; attendance and exclusions this academic year
    "housing_tenancy": date(1995, 1, 1),  # tenancies current at extract, and former tenancies since
    "housing_asb": date(2010, 1, 1),  # ASB cases opened since
    "yos": date(2018, 1, 1),
    "probation": date(2018, 1, 1),
    "health": None,  # a snapshot: registrations as at the extract date (coverage_from = extracted_at)
}


@dataclass
class Context:
    seed: int
    rng: random.Random
    pools: Pools
    staff: StaffDirectory
    sinks: Sinks
    mess: Mess
    extracted_at: dict[str, date]
    upns: Upns = field(default_factory=Upns)
    counters: dict[str, Counter] = field(default_factory=dict)

    def next_id(self, name: str) -> str:
        return self.counters[name].next()

    def coverage(self, source: str) -> tuple[date, date]:
        end = self.extracted_at[source]
        return COVERAGE_FROM[source] or end, end

    def staff_contact(self, s: Staff | None, blank_phone: float, blank_email: float) -> tuple[str, str, str]:
        """(name, phone, email) as a source row records them: phone and email often blank (the directory has them)."""
        if s is None:
            return "", "", ""
        rng = self.rng
        return (s.name, "" if rng.random() < blank_phone else s.phone, "" if rng.random() < blank_email else s.email)

    def contacts(self, source: str, record_id: str, p: Person, known: float = 0.8) -> None:
        """The person's phone numbers as this system holds them: some missing, stale ones with old dates."""
        rng = self.rng
        cutoff = self.extracted_at[source]
        for digits, kind, updated, stale in p.phones:
            if rng.random() >= (known * 0.6 if stale else known):
                continue
            when = min(updated, cutoff)
            self.sinks.write(CONTACTS, (source, record_id, self.mess.phone(digits), kind, dates.iso(when)))


def make_counters(rng: random.Random) -> dict[str, Counter]:
    return {
        "lcs": Counter(rng, "LCS{:07d}", 1000, 4),
        "las": Counter(rng, "LAS{:06d}", 100, 3),
        "tenant": Counter(rng, "T{:08d}", 10000, 3),
        "tenancy": Counter(rng, "TEN{:07d}", 5000, 3),
        "asb_party": Counter(rng, "ASBP{:07d}", 100, 2),
        "asb_case": Counter(rng, "{:06d}", 100, 2),
        "yos": Counter(rng, "YOS{:06d}", 1000, 5),
        "crn": Counter(rng, "{:06d}", 100000, 7),
    }
