"""The town's real people: households at addresses, families, and the relationships children's services record.

Households are generated in chunks (`chunks()`), so a million-person town never sits in memory at once.
Everything here is the truth; `mess.py` decides how each source system gets it wrong.
"""
from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from demo_town import dates
from demo_town.dates import GENERATED_AT, age_on, dob_for_age
from demo_town.ids import NhsNumbers
from demo_town.pools import Pools, Street, UNIT_LETTERS, landline


@dataclass(frozen=True, slots=True)
class Address:
    flat: int | None
    number: int
    street: str
    locality: str
    town: str
    postcode: str  # canonical form, e.g. "SK3 9PQ"


class Person:
    __slots__ = ("pid", "forename", "middle", "surname", "prev_surname", "sex", "dob", "hh", "nhs", "phones",
                 "rels", "involved", "records", "pregnant", "age")

    def __init__(self, pid: str, forename: str, surname: str, sex: str, dob: date):
        self.pid, self.forename, self.surname, self.sex, self.dob = pid, forename, surname, sex, dob
        self.age = age_on(dob, GENERATED_AT)  # whole years on the town's fixed date (dob never changes)
        self.middle: str | None = None
        self.prev_surname: str | None = None  # the surname before marriage / separation / a step-family
        self.hh: Household | None = None
        self.nhs = ""
        self.phones: list[tuple[str, str, date, bool]] = []  # (digits, type, updated_at, stale)
        self.rels: list[tuple[Person, str]] = []  # (related person, what they are TO this person)
        self.involved: set[str] = set()  # services with an involvement: lcs, yos, probation, las, tenant
        self.records: dict[str, str] = {}  # source -> this person's main record id there
        self.pregnant = False


class Household:
    __slots__ = ("hid", "kind", "address", "prev_address", "moved_on", "members", "social_tenant")

    def __init__(self, hid: int, kind: str, address: Address):
        self.hid, self.kind, self.address = hid, kind, address
        self.prev_address: Address | None = None
        self.moved_on: date | None = None
        self.members: list[Person] = []
        self.social_tenant = False

    def adults(self) -> list[Person]:
        return [p for p in self.members if p.age >= 18]

    def children(self) -> list[Person]:
        return [p for p in self.members if p.age < 18]


KINDS = (("alone", 29), ("couple", 23), ("couple_kids", 19), ("single_parent", 9), ("step", 5),
         ("grandparent_carer", 1.5), ("multigen", 3.5), ("shared", 4), ("couple_adult_kids", 6))


class Population:
    def __init__(self, rng: random.Random, pools: Pools):
        self.rng, self.pools = rng, pools
        self.nhs = NhsNumbers(rng)
        self.n_people = 0
        self.n_households = 0
        self.recent: deque[Person] = deque(maxlen=400)  # for deliberate unrelated namesakes
        self._kinds, self._kind_weights = zip(*KINDS)

    # ---------- chunking ----------
    def chunks(self, people: int, chunk_people: int = 4000) -> Iterator[list[Household]]:
        chunk: list[Household] = []
        in_chunk = 0
        while self.n_people < people:
            before = self.n_people
            made = self._household(people - self.n_people)
            chunk.extend(made)
            in_chunk += self.n_people - before
            if in_chunk >= chunk_people:
                yield chunk
                chunk, in_chunk = [], 0
        if chunk:
            yield chunk

    def _household(self, room: int) -> list[Household]:
        kind = self.rng.choices(self._kinds, self._kind_weights)[0]
        maker = getattr(self, f"_make_{kind}")
        mark = (self.n_people, self.n_households, self.nhs.stem)
        made = maker()
        if sum(len(h.members) for h in made) > room:  # the town is nearly full: a one-person household instead
            self.n_people, self.n_households, self.nhs.stem = mark
            made = self._make_alone()
        for hh in made:
            self._finish(hh)
        return made

    # ---------- building blocks ----------
    def address(self) -> Address:
        rng = self.rng
        street: Street = rng.choice(self.pools.streets)
        flat = None
        if rng.random() < 0.18:
            if street.block_flats_left <= 0:
                street.block_number = street.next_number
                street.next_number += rng.randint(1, 2)
                street.block_flats_left = rng.randint(4, 14)
                street.next_flat = 1
            flat = street.next_flat
            street.next_flat += 1
            street.block_flats_left -= 1
            number = street.block_number
        else:
            number = street.next_number
            street.next_number += rng.randint(1, 2)
        unit = number // 30
        while len(street.units) <= unit:
            street.units.append(f"SK{street.district} {street.sector}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}")
        return Address(flat, number, street.name, street.locality, street.town, street.units[unit])

    def person(self, sex: str, age: int, surname: str | None = None, forename: str | None = None,
               dob: date | None = None) -> Person:
        rng = self.rng
        self.n_people += 1
        p = Person(f"P{self.n_people:07d}", forename or self.pools.forename(rng, sex), surname or self.pools.surname(rng),
                   sex, dob or dob_for_age(rng, age))
        if rng.random() < 0.55:
            p.middle = self.pools.forename(rng, sex)
        p.nhs = self.nhs.next()
        return p

    def new_household(self, kind: str) -> Household:
        self.n_households += 1
        hh = Household(self.n_households, kind, self.address())
        if self.rng.random() < 0.14:  # moved house in the last few years: some systems still have the old address
            hh.prev_address = self.address()
            hh.moved_on = dates.between(self.rng, GENERATED_AT - timedelta(days=6 * 365), GENERATED_AT - timedelta(days=30))
        return hh

    def _finish(self, hh: Household) -> None:
        rng = self.rng
        home = landline(rng) if rng.random() < 0.35 else None
        home_updated = dates.between(rng, date(2012, 1, 1), GENERATED_AT - timedelta(days=20))
        for p in hh.members:
            p.hh = hh
            age = p.age
            if age >= 18 or (age >= 11 and rng.random() < 0.5):
                if rng.random() < 0.93:
                    p.phones.append((f"07{rng.randint(400000000, 999999999)}", "mobile",
                                     dates.between(rng, GENERATED_AT - timedelta(days=700), GENERATED_AT - timedelta(days=5)), False))
                if age >= 16 and rng.random() < 0.35:  # an old mobile: stale, updated long ago
                    p.phones.append((f"07{rng.randint(400000000, 999999999)}", "mobile",
                                     dates.between(rng, date(2013, 1, 1), GENERATED_AT - timedelta(days=800)), True))
                if age >= 18 and rng.random() < 0.15:
                    p.phones.append((landline(rng), "work",
                                     dates.between(rng, date(2016, 1, 1), GENERATED_AT - timedelta(days=5)), False))
            if home and age >= 16:
                p.phones.append((home, "home", home_updated, False))
            if p.sex == "F" and 18 <= age <= 44 and rng.random() < 0.03:
                p.pregnant = True
            if age >= 18:
                self.recent.append(p)
        # Social housing is commoner for families under pressure and people living alone.
        share = {"single_parent": 0.55, "step": 0.42, "grandparent_carer": 0.45, "alone": 0.30, "shared": 0.25,
                 "couple_kids": 0.22, "multigen": 0.3, "couple": 0.2, "couple_adult_kids": 0.22}[hh.kind]
        hh.social_tenant = rng.random() < share

    def couple(self, hh: Household, age_lo: int, age_hi: int) -> tuple[Person, Person]:
        rng = self.rng
        age_m = rng.randint(age_lo, age_hi)
        age_f = max(18, min(95, age_m + rng.randint(-6, 3)))
        man = self.person("M", age_m)
        woman = self.person("F", age_f)
        roll = rng.random()
        if roll < 0.72:  # took his name: the maiden name lingers in older records
            woman.prev_surname, woman.surname = woman.surname, man.surname
        elif roll < 0.80:  # double-barrelled together
            joined = f"{woman.surname}-{man.surname}"
            woman.prev_surname, woman.surname = woman.surname, joined
            man.prev_surname, man.surname = man.surname, joined
        hh.members += [man, woman]
        return man, woman

    def children(self, hh: Household, mother: Person | None, father: Person | None, surname: str,
                 n: int, oldest_max: int = 17) -> list[Person]:
        """n children (twins sometimes), consistent with the parents' ages; each child gets mother/father rels."""
        rng = self.rng
        anchor = mother or father
        kids: list[Person] = []
        parent_age = anchor.age
        first_at = rng.randint(18 if mother else 20, 36)
        age = parent_age - first_at
        if age > oldest_max:  # older parents: the eldest child may have left home, or been born later
            age = rng.randint(max(0, oldest_max - 14), oldest_max)
        while len(kids) < n and age >= 0:
            twins = rng.random() < 0.025
            dob = dob_for_age(rng, age)
            for _ in range(2 if twins else 1):
                sex = rng.choice("MF")
                forename = None
                if sex == "M" and father is not None and father.surname == surname and rng.random() < 0.06:
                    forename = father.forename  # John Smith, son of John Smith
                while True:
                    kid = self.person(sex, age, surname=surname, forename=forename, dob=dob)
                    if all(kid.forename != k.forename for k in kids):
                        break
                    self.n_people -= 1
                    forename = None
                if mother is not None:
                    kid.rels.append((mother, "mother"))
                if father is not None:
                    kid.rels.append((father, "father"))
                kids.append(kid)
            age -= rng.randint(1, 5)
        hh.members += kids
        return kids

    @staticmethod
    def siblings(kids: list[Person]) -> None:
        for a in kids:
            for b in kids:
                if a is not b:
                    a.rels.append((b, "sibling"))

    def absent_parent(self, sex: str, age: int, surname: str | None = None) -> Household:
        """A parent who lives elsewhere in the town, alone: LCS often records them."""
        hh = self.new_household("alone")
        p = self.person(sex, max(18, min(90, age)), surname=surname)
        hh.members.append(p)
        return hh

    # ---------- household kinds ----------
    def _make_alone(self) -> list[Household]:
        rng = self.rng
        hh = self.new_household("alone")
        r = rng.random()
        age = rng.randint(18, 30) if r < 0.18 else rng.randint(31, 64) if r < 0.55 else \
            rng.randint(65, 84) if r < 0.87 else rng.randint(85, 95)
        sex = rng.choice("MF")
        p = None
        if self.recent and rng.random() < 0.02:  # an unrelated namesake with a similar date of birth
            other = rng.choice(self.recent)
            dob = other.dob + timedelta(days=rng.randint(-60, 60))
            if age_on(dob, GENERATED_AT) >= 18:
                p = self.person(other.sex, 0, surname=other.surname, forename=other.forename, dob=dob)
        if p is None:
            p = self.person(sex, age)
            if sex == "F" and age > 25 and rng.random() < 0.3:
                p.prev_surname = self.pools.surname(rng)
        hh.members.append(p)
        return [hh]

    def _make_couple(self) -> list[Household]:
        hh = self.new_household("couple")
        r = self.rng.random()
        self.couple(hh, *((20, 45) if r < 0.35 else (46, 70) if r < 0.68 else (71, 92)))
        return [hh]

    def _make_couple_kids(self) -> list[Household]:
        hh = self.new_household("couple_kids")
        man, woman = self.couple(hh, 22, 56)
        surname = man.surname if self.rng.random() < 0.9 else woman.surname
        kids = self.children(hh, woman, man, surname, self.rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
        self.siblings(kids)
        return [hh]

    def _make_couple_adult_kids(self) -> list[Household]:
        hh = self.new_household("couple_adult_kids")
        man, woman = self.couple(hh, 44, 66)
        kids = self.children(hh, woman, man, man.surname, self.rng.choice((1, 1, 2)), oldest_max=30)
        self.siblings(kids)
        return [hh]

    def _make_multigen(self) -> list[Household]:
        rng = self.rng
        hh = self.new_household("multigen")
        man, woman = self.couple(hh, 24, 50)
        kids = self.children(hh, woman, man, man.surname, rng.choice((1, 2, 2, 3)))
        self.siblings(kids)
        gran_sex = "F" if rng.random() < 0.75 else "M"
        gran = self.person(gran_sex, max(woman.age, man.age) + rng.randint(20, 32),
                           surname=man.surname if rng.random() < 0.5 else None)
        hh.members.append(gran)
        for k in kids:
            k.rels.append((gran, "other"))
        return [hh]

    def _make_single_parent(self) -> list[Household]:
        rng = self.rng
        hh = self.new_household("single_parent")
        made = [hh]
        if rng.random() < 0.88:
            parent = self.person("F", rng.randint(19, 52))
            hh.members.append(parent)
            ex_surname = self.pools.surname(rng)
            kids = self.children(hh, parent, None, ex_surname, rng.choice((1, 1, 2, 2, 3)))
            if rng.random() < 0.5:  # kept the married name; else reverted to her maiden name
                parent.prev_surname, parent.surname = parent.surname, ex_surname
            else:
                parent.prev_surname = ex_surname
            if kids and rng.random() < 0.5:
                oldest = max(k.age for k in kids)
                dad_hh = self.absent_parent("M", max(parent.age + rng.randint(-2, 6), oldest + 18), surname=ex_surname)
                for k in kids:
                    k.rels.append((dad_hh.members[0], "father"))
                made.append(dad_hh)
        else:
            parent = self.person("M", rng.randint(22, 58))
            hh.members.append(parent)
            kids = self.children(hh, None, parent, parent.surname, rng.choice((1, 1, 2, 3)))
            if kids and rng.random() < 0.3:
                oldest = max(k.age for k in kids)
                mum_hh = self.absent_parent("F", max(parent.age + rng.randint(-6, 2), oldest + 18))
                for k in kids:
                    k.rels.append((mum_hh.members[0], "mother"))
                made.append(mum_hh)
        self.siblings(kids)
        return made

    def _make_step(self) -> list[Household]:
        """Mother, her children by a previous partner, her new partner (step-parent) and perhaps their child."""
        rng = self.rng
        hh = self.new_household("step")
        made = [hh]
        mother = self.person("F", rng.randint(24, 50))
        partner = self.person("M", max(20, mother.age + rng.randint(-4, 8)))
        hh.members += [mother, partner]
        ex_surname = self.pools.surname(rng)
        kids = self.children(hh, mother, None, ex_surname, rng.choice((1, 2, 2, 3)))
        ex = None
        if kids and rng.random() < 0.45:
            oldest = max(k.age for k in kids)
            ex_hh = self.absent_parent("M", max(mother.age + rng.randint(-3, 6), oldest + 18), surname=ex_surname)
            ex = ex_hh.members[0]
            made.append(ex_hh)
        for k in kids:
            if ex is not None:
                k.rels.append((ex, "father"))
            k.rels.append((partner, "step-parent"))
        # Her surname changed: maiden -> ex's -> partner's; systems disagree about which.
        if rng.random() < 0.55:
            mother.prev_surname, mother.surname = ex_surname, partner.surname
        else:
            mother.prev_surname, mother.surname = mother.surname, ex_surname
        youngest = min((k.age for k in kids), default=5)
        if rng.random() < 0.5 and youngest >= 1:
            joint = self.children(hh, mother, partner, partner.surname, 1, oldest_max=youngest - 1)
            kids += joint
        self.siblings(kids)
        if kids and rng.random() < 0.1:  # a child now known by a double-barrelled surname
            for k in kids:
                if k.surname == ex_surname:
                    k.prev_surname, k.surname = k.surname, f"{ex_surname}-{partner.surname}"
        return made

    def _make_grandparent_carer(self) -> list[Household]:
        rng = self.rng
        hh = self.new_household("grandparent_carer")
        made = [hh]
        if rng.random() < 0.6:
            gran_m, gran_f = self.couple(hh, 48, 76)
            carers = [gran_f, gran_m]
        else:
            gran_f = self.person("F", rng.randint(46, 78))
            hh.members.append(gran_f)
            carers = [gran_f]
        surname = gran_f.surname if rng.random() < 0.6 else self.pools.surname(rng)
        mother = None
        if rng.random() < 0.35:  # the children's mother lives elsewhere in the town
            mum_hh = self.absent_parent("F", max(20, gran_f.age - rng.randint(18, 30)),
                                        surname=gran_f.surname if surname != gran_f.surname else surname)
            mother = mum_hh.members[0]
            made.append(mum_hh)
        if mother is not None:
            kids = self.children(hh, mother, None, surname, rng.choice((1, 1, 2, 3)))
        else:  # size the children's ages by a notional parent a generation below the grandparent
            stand_in = Person("", "", "", "F", dob_for_age(rng, max(20, gran_f.age - 22)))
            kids = self.children(hh, stand_in, None, surname, rng.choice((1, 1, 2, 3)))
            for k in kids:
                k.rels = []
        for k in kids:
            k.rels += [(c, "carer") for c in carers]
        self.siblings(kids)
        return made

    def _make_shared(self) -> list[Household]:
        rng = self.rng
        hh = self.new_household("shared")
        for _ in range(rng.randint(2, 4)):
            hh.members.append(self.person(rng.choice("MF"), rng.randint(19, 40)))
        return [hh]
