"""The practitioners named in the extracts, and the staff directory that fills their missing phones and emails."""
from __future__ import annotations

import random
from dataclasses import dataclass

from demo_town.pools import Pools


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    role: str
    team: str
    service: str
    phone: str
    email: str


# service -> list of (role, teams, people per practitioner, minimum, email domain)
PLAN = {
    "childrens_social_care": [
        ("Social Worker", ("MASSH", "Assessment Team North", "Assessment Team South", "Child in Need Team Central",
                           "Child in Need Team West", "Children in Care Team", "Disabled Children's Team",
                           "Leaving Care Team"), 2800, 8, "stockport.gov.uk"),
        ("Senior Social Worker", ("Assessment Team North", "Assessment Team South", "Children in Care Team"),
         15000, 2, "stockport.gov.uk")],
    "adult_social_care": [
        ("Social Worker", ("Adult Contact Team", "Locality Team Bramhall", "Locality Team Reddish",
                           "Locality Team Marple", "Mental Health Team"), 5000, 4, "stockport.gov.uk"),
        ("Care Coordinator", ("Adult Contact Team", "Reablement Team"), 12000, 2, "stockport.gov.uk")],
    "housing": [
        ("Housing Officer", ("Stockport Homes North", "Stockport Homes South", "Stockport Homes Central"),
         6000, 3, "stockporthomes.org"),
        ("ASB Officer", ("Stockport Homes ASB Team",), 25000, 2, "stockporthomes.org")],
    "youth_justice": [
        ("YOS Case Manager", ("Stockport Youth Justice Service",), 30000, 3, "stockport.gov.uk")],
    "probation": [
        ("Probation Officer", ("Stockport Probation Delivery Unit",), 18000, 3, "justice.gov.uk"),
        ("Probation Services Officer", ("Stockport Probation Delivery Unit",), 30000, 2, "justice.gov.uk")],
    "health": [
        ("Health Visitor", ("0-19 Service Health Visiting North", "0-19 Service Health Visiting South"),
         5000, 3, "nhs.net"),
        ("School Nurse", ("0-19 Service School Nursing",), 7000, 2, "nhs.net"),
        ("Midwife", ("Stepping Hill Community Midwives",), 10000, 2, "nhs.net")],
}


class StaffDirectory:
    def __init__(self, seed: int, people: int, pools: Pools):
        rng = random.Random(f"staff-{seed}")
        self.rng = rng
        self.all: list[Staff] = []
        self.by_role: dict[str, list[Staff]] = {}
        self._names: set[str] = set()
        for service, plans in PLAN.items():
            for role, teams, per, minimum, domain in plans:
                for i in range(max(minimum, people // per)):
                    self._add(pools, role, teams[i % len(teams)], service, domain)
        self.dsl: dict[str, Staff] = {}
        for school in pools.schools:
            self.dsl[school.name] = self._add(pools, "Designated Safeguarding Lead", school.name, "education",
                                              school.email.split("@", 1)[1], phone=school.phone)

    def _add(self, pools: Pools, role: str, team: str, service: str, domain: str, phone: str = "") -> Staff:
        rng = self.rng
        while True:
            sex = rng.choice("MF")
            first, last = pools.forename(rng, sex), pools.surname(rng)
            name = f"{first} {last}"
            if name not in self._names:
                break
        self._names.add(name)
        if not phone:
            phone = f"07{rng.randint(700, 999)} {rng.randint(100000, 999999)}" if rng.random() < 0.3 else \
                f"0161 {rng.choice(['474', '217', '419', '480'])} {rng.randint(0, 9999):04d}"
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        s = Staff(f"STF{len(self.all) + 1:05d}", name, role, team, service, phone, f"{local}@{domain}")
        self.all.append(s)
        self.by_role.setdefault((service, role), []).append(s)
        return s

    def pick(self, rng: random.Random, service: str, *roles: str) -> Staff:
        """A practitioner of one of `roles` in `service` (weighted by how many of each there are)."""
        pools = [self.by_role[(service, r)] for r in roles]
        total = sum(len(p) for p in pools)
        i = rng.randrange(total)
        for pool in pools:
            if i < len(pool):
                return pool[i]
            i -= len(pool)
        raise AssertionError("unreachable")
