"""The deliberate errors: how each source system gets a real person slightly wrong.

Rates are per source (`PROFILES`) and plausible for real extracts (a few per cent each). Every function draws from
the one seeded RNG, so the same seed makes the same mistakes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from demo_town.nicknames import nicknames_for
from demo_town.population import Address, Person


@dataclass(frozen=True)
class Profile:
    typo: float  # a transposed, dropped, doubled or mistyped letter in a name
    nickname: float  # Bill for William (when the name has one)
    old_surname: float  # the surname before marriage / separation, when the person had one
    missing_dob: float
    swap_dob: float  # day and month swapped (only possible when the day is 12 or less)
    stale_address: float  # the address before the household moved, when it moved
    address_format: float  # "10 High St Flat 2" instead of "Flat 2, 10 High Street", upper case, ...
    postcode_format: float  # "SK13AB", "sk1 3ab"
    upper_surname: float = 0.0
    partial_double_barrel: float = 0.3  # only one half of a hyphenated surname


PROFILES: dict[str, Profile] = {
    "lcs": Profile(0.03, 0.05, 0.30, 0.03, 0.02, 0.12, 0.25, 0.08),
    "las": Profile(0.04, 0.08, 0.40, 0.04, 0.02, 0.25, 0.30, 0.15, upper_surname=0.05),
    "synergy": Profile(0.02, 0.0, 0.20, 0.0, 0.01, 0.10, 0.20, 0.08),
    "housing_tenancy": Profile(0.04, 0.06, 0.50, 0.06, 0.03, 0.0, 0.40, 0.20),
    "housing_asb": Profile(0.07, 0.10, 0.40, 0.50, 0.03, 0.0, 0.50, 0.30, upper_surname=0.2),
    "yos": Profile(0.03, 0.06, 0.20, 0.01, 0.02, 0.15, 0.30, 0.10),
    "probation": Profile(0.03, 0.08, 0.30, 0.02, 0.02, 0.20, 0.30, 0.10, upper_surname=0.3),
    "health": Profile(0.02, 0.02, 0.30, 0.01, 0.01, 0.20, 0.30, 0.10),
}

ABBREVIATIONS = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl", "Drive": "Dr",
                 "Crescent": "Cres", "Grove": "Gr", "Gardens": "Gdns", "Place": "Pl", "Court": "Ct",
                 "Terrace": "Ter"}
KEYBOARD = {"a": "sq", "e": "wr", "i": "uo", "o": "ip", "n": "bm", "m": "n", "r": "et", "t": "ry", "s": "ad",
            "l": "k", "h": "gj", "c": "xv", "d": "sf", "y": "tu", "u": "yi"}


class Mess:
    def __init__(self, rng: random.Random):
        self.rng = rng

    # ---------- names ----------
    def typo(self, name: str) -> str:
        rng = self.rng
        if len(name) < 4:
            return name
        i = rng.randint(1, len(name) - 2)
        op = rng.random()
        if op < 0.35 and name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2:]  # transposition
        if op < 0.65:
            return name[:i] + name[i + 1:]  # dropped letter
        if op < 0.8:
            return name[:i] + name[i] + name[i:]  # doubled letter
        near = KEYBOARD.get(name[i].lower())
        return name[:i] + rng.choice(near) + name[i + 1:] if near else name[:i] + name[i + 1:]

    def forename(self, source: str, p: Person, nickname: bool = True) -> str:
        prof, rng = PROFILES[source], self.rng
        name = p.forename
        nicks = nicknames_for(name)
        if nickname and nicks and rng.random() < prof.nickname * 4:  # rate is per person; only some names have one
            name = rng.choice(nicks)
        elif rng.random() < prof.typo:
            name = self.typo(name)
        return name

    def surname(self, source: str, p: Person) -> str:
        prof, rng = PROFILES[source], self.rng
        name = p.surname
        if p.prev_surname and rng.random() < prof.old_surname:
            name = p.prev_surname
        if "-" in name and rng.random() < prof.partial_double_barrel:
            parts = name.split("-")
            name = rng.choice([parts[0], parts[-1], " ".join(parts), "".join(parts)])
        if rng.random() < prof.typo:
            name = self.typo(name)
        if rng.random() < prof.upper_surname:
            name = name.upper()
        return name

    # ---------- dates of birth ----------
    def dob(self, source: str, p: Person) -> date | None:
        prof, rng = PROFILES[source], self.rng
        if rng.random() < prof.missing_dob:
            return None
        d = p.dob
        if d.day <= 12 and d.day != d.month and rng.random() < prof.swap_dob * 3:  # ~1/3 of dates can swap
            return date(d.year, d.day, d.month)
        return d

    # ---------- addresses ----------
    def address(self, source: str, p: Person) -> Address:
        hh = p.hh
        if hh.prev_address is not None and self.rng.random() < PROFILES[source].stale_address:
            return hh.prev_address
        return hh.address

    def street_line(self, source: str, a: Address) -> str:
        rng = self.rng
        street = a.street
        fancy = rng.random() < PROFILES[source].address_format
        if fancy and rng.random() < 0.5:
            head, _, suffix = street.rpartition(" ")
            street = f"{head} {ABBREVIATIONS.get(suffix, suffix)}"
        if a.flat is None:
            line = f"{a.number} {street}"
        elif not fancy:
            line = f"Flat {a.flat}, {a.number} {street}"
        else:
            line = rng.choice([f"{a.number} {street} Flat {a.flat}", f"Flat {a.flat} {a.number} {street}",
                               f"{a.flat}/{a.number} {street}", f"Flat {a.flat}, {a.number} {street}"])
        if fancy and rng.random() < 0.25:
            line = line.upper()
        return line

    def one_line(self, source: str, a: Address) -> str:
        """The whole address on one comma-separated line (no postcode)."""
        parts = [self.street_line(source, a)]
        r = self.rng.random()
        if r < 0.75:
            parts.append(a.locality)
        if r > 0.15:
            parts.append(a.town)
        return ", ".join(parts)

    def postcode(self, source: str, pc: str) -> str:
        rng = self.rng
        if rng.random() >= PROFILES[source].postcode_format:
            return pc
        return rng.choice([pc.replace(" ", ""), pc.lower(), pc.lower().replace(" ", ""), pc.replace(" ", "  ")])

    # ---------- phones ----------
    def phone(self, digits: str) -> str:
        rng = self.rng
        r = rng.random()
        if digits.startswith("07"):
            if r < 0.55:
                return f"{digits[:5]} {digits[5:]}"
            if r < 0.75:
                return digits
            if r < 0.9:
                return f"+44 {digits[1:5]} {digits[5:]}"
            return f"{digits[:5]}-{digits[5:8]}-{digits[8:]}"
        if r < 0.6:
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        if r < 0.75:
            return f"({digits[:4]}) {digits[4:7]} {digits[7:]}"
        if r < 0.9:
            return digits
        return f"+44 {digits[1:4]} {digits[4:7]} {digits[7:]}"
