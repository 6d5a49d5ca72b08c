"""Everything drawn from Faker, drawn once: name pools, streets, schools, GP practices.

Faker is slow per call, so the town samples from these pools with its own seeded RNG instead of calling Faker
for every person (1,000,000 people take minutes, not hours).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

from demo_town.nicknames import NICKNAMES

# Stockport's postcode districts: (district, post town, localities, relative share of addresses)
DISTRICTS = (
    (1, "Stockport", ("Town Centre", "Portwood", "Hillgate"), 6),
    (2, "Stockport", ("Offerton", "Great Moor", "Woodsmoor"), 14),
    (3, "Stockport", ("Edgeley", "Cheadle Heath", "Davenport"), 13),
    (4, "Stockport", ("Heaton Moor", "Heaton Mersey", "Heaton Chapel"), 14),
    (5, "Stockport", ("Reddish", "Brinnington"), 11),
    (6, "Stockport", ("Marple", "Bredbury", "Romiley", "Woodley"), 16),
    (7, "Stockport", ("Bramhall", "Hazel Grove", "Woodford"), 14),
    (8, "Cheadle", ("Cheadle", "Cheadle Hulme", "Gatley", "Heald Green"), 12),
)
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREET_SUFFIXES = (("Street", 14), ("Road", 20), ("Avenue", 8), ("Lane", 8), ("Close", 8), ("Drive", 7),
                   ("Crescent", 4), ("Grove", 4), ("Way", 4), ("Gardens", 3), ("Place", 2), ("Court", 2),
                   ("Terrace", 2), ("Walk", 1), ("Mews", 1), ("Rise", 1))
STREET_STEMS = ("High", "Church", "Mill", "Station", "Park", "Victoria", "Albert", "Queens", "Kings", "Manchester",
                "Buxton", "Wellington", "Greek", "Hall", "Chapel", "School", "Bridge", "Moor", "Lark Hill", "Oak",
                "Beech", "Ash", "Elm", "Willow", "Hazel", "Birch", "Rose", "Lime", "Cherry", "Meadow", "Brook",
                "Hillside", "Grange", "Green", "Spring", "Holly", "Cedar", "Windsor", "York", "Lancaster")
COMMON_SURNAMES = ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
                   "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes",
                   "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner",
                   "Hill", "Scott", "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison")
SAINTS = ("Mary", "Thomas", "Peter", "Paul", "George", "John", "Anne", "Joseph", "Matthew", "Mark", "Elisabeth",
          "Simon", "Ambrose", "Winifred", "Bernadette", "Christopher")


@dataclass
class Street:
    name: str
    district: int
    town: str
    locality: str
    sector: int
    units: list[str] = field(default_factory=list)
    next_number: int = 1
    block_number: int = 0
    block_flats_left: int = 0
    next_flat: int = 1


@dataclass(frozen=True)
class School:
    name: str
    dfe: str
    phase: str  # primary, secondary, pru
    district: int
    phone: str
    email: str


@dataclass(frozen=True)
class Practice:
    name: str
    district: int
    phone: str


def landline(rng: random.Random, exchange: str = "") -> str:
    """Digits of a Greater Manchester landline: 0161 + 7 digits."""
    return "0161" + (exchange or str(rng.randint(200, 999))) + f"{rng.randint(0, 9999):04d}"


def fmt_landline(digits: str) -> str:
    return f"{digits[:4]} {digits[4:7]} {digits[7:]}"


class Pools:
    def __init__(self, seed: int, people: int):
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        rng = random.Random(f"pools-{seed}")
        self.male = sorted(set(fake.first_name_male() for _ in range(3000)))
        self.female = sorted(set(fake.first_name_female() for _ in range(3000)))
        # Make sure the names with well-known nicknames are common enough for the mess to show.
        nick_names = sorted(NICKNAMES)
        self.male += [n for n in nick_names if NICKNAMES[n][1] == "M"] * 3
        self.female += [n for n in nick_names if NICKNAMES[n][1] == "F"] * 3
        surnames = sorted(set(fake.last_name() for _ in range(6000)) | set(COMMON_SURNAMES))
        rng.shuffle(surnames)
        ranked = list(COMMON_SURNAMES) + [s for s in surnames if s not in COMMON_SURNAMES]
        # Zipf-like weights: Smith and Jones are common, most names rare (so unrelated namesakes exist).
        self.surnames = ranked
        self.surname_weights = [1.0 / (rank + 3) ** 0.9 for rank in range(len(ranked))]
        self._surname_cum = _cumulative(self.surname_weights)

        n_streets = max(120, people // 220)
        suffixes, suffix_weights = zip(*STREET_SUFFIXES)
        district_weights = [d[3] for d in DISTRICTS]
        names: set[str] = set()
        self.streets: list[Street] = []
        while len(self.streets) < n_streets:
            stem = rng.choice(STREET_STEMS) if rng.random() < 0.3 else (
                fake.last_name() if rng.random() < 0.7 else fake.first_name())
            name = f"{stem} {rng.choices(suffixes, suffix_weights)[0]}"
            if name in names:
                continue
            names.add(name)
            district, town, localities, _ = rng.choices(DISTRICTS, district_weights)[0]
            self.streets.append(Street(name, district, town, rng.choice(localities), rng.randint(1, 9),
                                       next_number=rng.randint(1, 60)))

        self.schools: list[School] = []
        used: set[str] = set()
        n_primary, n_secondary = max(6, people // 2500), max(2, people // 9000)
        for phase, count in (("primary", n_primary), ("secondary", n_secondary), ("pru", min(4, max(1, people // 150000)))):
            for i in range(count):
                district = rng.choices(DISTRICTS, district_weights)[0][0]
                locality = rng.choice(DISTRICTS[district - 1][2])
                name = _school_name(rng, fake, phase, locality)
                tries = 0
                while name in used:
                    tries += 1
                    name = _school_name(rng, fake, phase, rng.choice(STREET_STEMS))
                    if tries > 20:  # the name pool is small for a big town: say where it is
                        name = f"{name} ({rng.choice(DISTRICTS[district - 1][2])})"
                        if name in used:
                            name = f"{name} {tries}"
                used.add(name)
                base = {"primary": 2000, "secondary": 4000, "pru": 1100}[phase]
                dfe = f"{base + len(self.schools) * 3 + rng.randint(0, 2):04d}"
                slug = "".join(ch for ch in name.lower().replace("school", "") if ch.isalnum())[:24]
                email = f"{rng.choice(['office', 'admin', 'headteacher', 'enquiries'])}@{slug}.stockport.sch.uk"
                self.schools.append(School(name, dfe, phase, district, fmt_landline(landline(rng)), email))

        self.practices: list[Practice] = []
        used = set()
        for _ in range(max(5, people // 7000)):
            district, _, localities, _ = rng.choices(DISTRICTS, district_weights)[0]
            stem = rng.choice(localities + (fake.last_name(), rng.choice(STREET_STEMS)))
            name = rng.choice(["{} Medical Centre", "{} Surgery", "{} Health Centre", "The {} Practice",
                               "{} Family Practice", "{} Group Practice"]).format(stem)
            if name in used:
                continue
            used.add(name)
            self.practices.append(Practice(name, district, fmt_landline(landline(rng))))

    @property
    def practices_by_district(self) -> dict[str, list[Practice]]:
        """{"SK3": practices in SK3}."""
        if not hasattr(self, "_practices_by_district"):
            self._practices_by_district: dict[str, list[Practice]] = {}
            for g in self.practices:
                self._practices_by_district.setdefault(f"SK{g.district}", []).append(g)
        return self._practices_by_district

    def surname(self, rng: random.Random) -> str:
        return self.surnames[_pick(rng, self._surname_cum)]

    def forename(self, rng: random.Random, sex: str) -> str:
        return rng.choice(self.male if sex == "M" else self.female)


def _school_name(rng: random.Random, fake: Faker, phase: str, place: str) -> str:
    if phase == "pru":
        return rng.choice(["Pendlebury", "Highfields", "Lapwing", "Brookside"]) + " Centre"
    if phase == "primary":
        return rng.choice([f"{place} Primary School", f"St {rng.choice(SAINTS)}'s C of E Primary School",
                           f"St {rng.choice(SAINTS)}'s RC Primary School", f"{fake.last_name()} Primary School",
                           f"{place} Junior and Infant School"])
    return rng.choice([f"{place} High School", f"{place} Academy", f"{fake.last_name()} School",
                       f"St {rng.choice(SAINTS)}'s Catholic High School"])


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    from bisect import bisect_right

    return min(bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)
