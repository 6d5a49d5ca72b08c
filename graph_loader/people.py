"""From linkage's standardised records to what the graph holds about each person: name, DOB, addresses, household.

A person's displayed name and date of birth are the values most of their records agree on (ties go to the more
authoritative system). Their current address is the one the most systems hold, then the most recently extracted;
every other address they are known at is kept as history. A household is everyone whose current address is the same.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping

from graph_loader.search_names import name_words
from linkage.standardise import address_key, standardise_address

# Which system's spelling wins a tie: the ones social workers and health keep most carefully first.
SOURCE_PRIORITY = ("lcs", "health", "las", "synergy", "probation", "yos", "housing_tenancy", "housing_asb")


@dataclass
class StandardRecord:
    source: str
    record_id: str
    person_id: str
    match_probability: float
    first_name: str
    last_name: str
    dob: date | None
    sex: str
    address: str
    postcode: str
    extracted_at: date
    # Why linkage put this record with its person (graph_loader/link_reasons.py): a JSON string, or None.
    link_reasons: str | None = None
    # record_key(source, record_id), worked out once: a refresh looks records up by key a few million times.
    key: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = record_key(self.source, self.record_id)


@dataclass
class PersonSummary:
    id: str
    records: list[StandardRecord] = field(default_factory=list)


def record_key(source: str, record_id: str) -> str:
    return f"{source}:{record_id}"


# Ids already worked out for (line, postcode) pairs, e.g. by a one-source refresh's helper process on the other core
# (graph_loader/refresh.py); address_id gives the same id either way.
KnownAddressIds = Mapping[tuple[str, str], str]


def record_address_id(r: StandardRecord, known: KnownAddressIds | None = None) -> str:
    """address_id of the record's address, looked up in `known` first."""
    found = known.get((r.address, r.postcode)) if known else None
    return found if found is not None else address_id(r.address, r.postcode)


# Cached: every record's address is keyed at least twice per load (address history, address nodes) and many
# records share a dwelling; standardising the line is most of a large load's address work.
@lru_cache(maxsize=1 << 20)
def address_id(line: str, postcode: str) -> str:
    """Same dwelling, same id, however a system wrote it: flat, house number and street within the postcode.

    "2 Smith Close, Bramhall, Stockport" and "2 Smith Cl, Stockport" in SK7 7BT are one address; Flat 2 and
    Flat 3 at the same number are two. Without a postcode or a house number, the whole tidied line is the key.
    """
    low = line.lower()
    flat = re.search(r"\b(?:flat|apartment|apt|unit)\s*([0-9]+[a-z]?)", low)
    rest = low[:flat.start()] + low[flat.end():] if flat else low
    house = address_key(standardise_address([rest]))
    postcode_key = re.sub(r"[^a-z0-9]", "", postcode.lower())
    if house and postcode_key:
        canonical = f"{flat.group(1) if flat else ''}|{house}|{postcode_key}"
    else:
        canonical = re.sub(r"[^a-z0-9]+", " ", f"{line} {postcode}".lower()).strip()
    return "A-" + hashlib.sha1(canonical.encode()).hexdigest()[:12]


_PRIORITY = {source: rank for rank, source in enumerate(SOURCE_PRIORITY)}


def _priority(source: str) -> int:
    return _PRIORITY.get(source, len(SOURCE_PRIORITY))


def _consensus(ranks: list[int], values: Iterable[object]) -> object:
    """The most common non-blank value; ties broken by source priority (`ranks`: each value's source's _priority)."""
    counted: dict[object, int] = {}
    best_rank: dict[object, int] = {}
    for rank, value in zip(ranks, values):
        if value is None or value == "":
            continue
        if value in counted:
            counted[value] += 1
            if rank < best_rank[value]:
                best_rank[value] = rank
        else:
            counted[value] = 1
            best_rank[value] = rank
    if not counted:
        return None
    if len(counted) == 1:
        return next(iter(counted))
    return max(counted, key=lambda v: (counted[v], -best_rank[v]))


def person_row(person_id: str, records: list[StandardRecord]) -> dict:
    if len(records) == 1:
        # Most people: every consensus is the one record's own value, taken directly (a million-person load builds
        # the people first, before anything can be written).
        r = records[0]
        return _person(person_id, r.first_name or "", r.last_name or "", r.dob,
                       r.sex if r.sex in ("M", "F") else "U", name_words(f"{r.first_name} {r.last_name}"))
    ranks = [_priority(r.source) for r in records]
    return _person(person_id,
                   _consensus(ranks, [r.first_name for r in records]) or "",
                   _consensus(ranks, [r.last_name for r in records]) or "",
                   _consensus(ranks, [r.dob for r in records]),
                   _consensus(ranks, [r.sex if r.sex in ("M", "F") else None for r in records]) or "U",
                   (word for r in records for word in name_words(f"{r.first_name} {r.last_name}")))


def _person(person_id: str, first: str, last: str, dob: object, sex: object, words: Iterable[str]) -> dict:
    return {
        "id": person_id,
        "first_name": first,
        "last_name": last,
        "display_name": f"{first} {last}".strip() or "(name not recorded)",
        "dob": dob,
        "sex": sex,
        "search_names": " ".join(sorted(set(words))),
    }


def address_rows(records: list[StandardRecord], known: KnownAddressIds | None = None) -> tuple[list[dict], list[dict]]:
    """(LIVES_AT rows for this person, with the current one marked; RECORDED_AT rows per record). The current address
    is the one the most systems hold, then the one seen in the latest extract. When it was last seen is not stored:
    it is the latest extract date of the entry's sources, which readers take from the SourceExtract nodes, so a new
    extract never has to rewrite every tenant's address history (docs/graph_model.md, section 1)."""
    by_address: dict[str, list[StandardRecord]] = {}
    recorded = []
    for r in records:
        if not (r.address or r.postcode):
            continue
        aid = record_address_id(r, known)
        found = by_address.get(aid)
        if found is None:
            by_address[aid] = [r]
        else:
            found.append(r)
        recorded.append({"record_key": r.key, "address_id": aid})
    ranked = list(by_address.items()) if len(by_address) < 2 else sorted(
        by_address.items(), key=lambda item: (len({r.source for r in item[1]}), max(r.extracted_at for r in item[1])),
        reverse=True)
    lives = [{
        "person_id": records[0].person_id,
        "address_id": aid,
        "sources": sorted({r.source for r in recs}),
        "current": index == 0,
    } for index, (aid, recs) in enumerate(ranked)]
    return lives, recorded


def household_id(address_id: str) -> str:
    """A household is the people currently at one address: its id follows the address's (`A-x` -> `H-x`), so every
    load and refresh names the same household the same way."""
    return "H-" + address_id[2:]


def household_rows(lives_at: list[dict]) -> list[dict]:
    """One household per current address, holding everyone who currently lives there."""
    members: dict[str, list[str]] = defaultdict(list)
    for row in lives_at:
        if row["current"]:
            members[row["address_id"]].append(row["person_id"])
    return [{"id": household_id(aid), "address_id": aid, "members": sorted(ids)}
            for aid, ids in sorted(members.items())]
