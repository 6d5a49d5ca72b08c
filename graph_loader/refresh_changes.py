"""What a one-source refresh changes: the graph's state now (as the refresh's reads return it) against the rows
prepared from the new extracts.

Pure functions, no database: graph_loader/refresh.py reads, calls these, stages and switches. Each returns only
what differs, so the switch transaction flips as little as it can (docs/graph_model.md, section 3). Shapes of the
state they read:

- `state[person_id]` is a row of cypher/refresh/person_state.cypher: `eid`, `props`, `lives_at` (lists
  `[address_id, address_eid, line, current, sources, relationship_eid]`) and `others`;
- `old` records are rows of cypher/refresh/owned_records.cypher: `key`, `eid`, `link`, `person_id`,
  `match_probability`, `props`;
- `residents[address_id]` is a row of cypher/refresh/address_residents.cypher: `residents` (`id`, `eid`) and
  `households` (`eid`, `members` as `[person_id, member_relationship_eid]`).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Iterable, NamedTuple

from graph_loader.people import StandardRecord, household_id
from graph_loader.prepare import record_row

PERSON_PROPS = ("first_name", "last_name", "display_name", "dob", "sex", "search_names")
PRACTITIONER_PROPS = ("name", "role", "team", "phone", "email")


def _canon(value: Any) -> Any:
    """A hashable, order-free form of a record's content (graph side or prepared side) for comparing the two; absent
    and null properties are the same thing, as `SET n = map` stores no nulls. Dates compare as ISO text: the reads
    return them so (`toString`), which spares the driver a date object each."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return tuple(sorted((k, _canon(v)) for k, v in value.items() if v is not None and k != "run"))
    if isinstance(value, (list, tuple)):
        return tuple(_canon(v) for v in value)
    return value


_PLAIN = (str, bool, int)


def same(a: Any, b: Any) -> bool:
    """`_canon(a) == _canon(b)`, the common cases first: equal text, flags or numbers of one type, and a date read back
    as ISO text against the prepared date (every refresh compares a few hundred thousand dates of birth)."""
    if a is b:
        return True
    kind = type(a)
    if kind is type(b) and kind in _PLAIN:
        return a == b
    if kind is str and type(b) is date:
        return a == b.isoformat()
    if kind is list and type(b) is list and a == b:  # equal lists have equal canonical forms
        return True
    return _canon(a) == _canon(b)


def changed_props(now: dict, props: dict) -> dict:
    """The properties `SET n += changes` must write to turn `now` (as read from the graph) into `props`: those whose
    value differs, and None for those to remove (`run` is the generation's, never a record's own)."""
    changes = {}
    for k in now.keys() | props.keys():
        b = props.get(k)
        if k != "run" and not same(now.get(k), b):
            changes[k] = b
    return changes


def _lives_changes(now: list, row: dict) -> dict:
    """`changed_props` for an address history entry, `now` as person_state reads it, `row` as prepared. Written out,
    as it runs for every tenant (about 194,000 at a million)."""
    changes = {}
    if not same(now[3], value := row["current"]):
        changes["current"] = value
    if not same(now[4], value := row["sources"]):
        changes["sources"] = value
    return changes


class KeptRecords(NamedTuple):
    keys: set[str]
    updates: list[dict]  # property changes of kept records, by element id
    probability_changes: list[dict]  # their HAS_RECORD's new match probability, by relationship element id


def kept_records(old: Iterable[dict], new_records: dict[str, StandardRecord], digests: dict[str, str],
                 cfg: Any) -> KeptRecords:
    """The graph's records that come out with the same person and hold the same involvements, phones and addresses
    (the same holds digest, prepare.holds_digests): kept and updated in place (a corrected name, new link reasons).
    The others are replaced by staged copies; a record written before digests existed has none and is replaced."""
    kept: set[str] = set()
    updates, probability_changes = [], []
    for r in old:
        rec = new_records.get(r["key"])
        if rec is None or r["person_id"] != rec.person_id or r["props"].get("holds_digest") != digests[rec.key]:
            continue
        kept.add(rec.key)
        changes = changed_props(r["props"], record_row(rec, cfg, digests[rec.key])["props"])
        if changes:
            updates.append({"eid": r["eid"], "props": changes})
        if r["match_probability"] != rec.match_probability:
            probability_changes.append({"eid": r["link"], "props": {"match_probability": rec.match_probability}})
    return KeptRecords(kept, updates, probability_changes)


def touched_addresses(state: dict[str, dict], lives_at: list[dict], affected: set[str]) -> list[str]:
    """The addresses a touched person moves into or out of (or stops or starts being known at): the only places
    households can change, as elsewhere a household already holds exactly the people who live there now."""
    current_now = {pid: l[0] for pid, now in state.items() for l in now["lives_at"] if l[3]}
    current_after = {r["person_id"]: r["address_id"] for r in lives_at if r["current"]}
    return sorted({aid for pid in affected for aid in (current_now.get(pid), current_after.get(pid))
                   if aid is not None and current_now.get(pid) != current_after.get(pid)})


def staged_record_rows(replaced: list[StandardRecord], cfg: Any, digests: dict[str, str], recorded_at: list[dict],
                       involvements: list[dict], has_phone: list[dict], address_eid: dict[str, str],
                       service_eid: dict[str, str], practitioner_eid: dict[str, str],
                       phone_eid: dict[str, str]) -> list[dict]:
    """The rows refresh/stage_records writes: each replaced record with the element ids of what it points at."""
    staging = {rec.key for rec in replaced}
    addresses_of: dict[str, list[str]] = defaultdict(list)
    for r in recorded_at:
        if r["record_key"] in staging:
            addresses_of[r["record_key"]].append(address_eid[r["address_id"]])
    involvements_of: dict[str, list[dict]] = defaultdict(list)
    for inv in involvements:
        if inv["record_key"] in staging:
            involvements_of[inv["record_key"]].append({
                "service": service_eid[inv["service_key"]], "props": inv["props"],
                "practitioner": practitioner_eid.get(inv["practitioner_id"]) if inv["practitioner_id"] else None})
    phones_of: dict[str, list[dict]] = defaultdict(list)
    for ph in has_phone:
        if ph["record_key"] in staging:
            phones_of[ph["record_key"]].append({"phone": phone_eid[ph["number"]], "type": ph["type"],
                                                "updated_at": ph["updated_at"]})
    return [{"props": record_row(rec, cfg, digests[rec.key])["props"], "addresses": addresses_of.get(rec.key, []),
             "involvements": involvements_of.get(rec.key, []), "phones": phones_of.get(rec.key, [])}
            for rec in replaced]


def person_changes(people: list[dict], state: dict[str, dict]) -> list[dict]:
    """Shown name, date of birth, sex and search names of the touched people who stay, where they differ."""
    changes = []
    for row in people:
        now = state.get(row["id"])
        if now is not None and any(not same(now["props"].get(k), row[k]) for k in PERSON_PROPS):
            changes.append({"eid": now["eid"], "props": {k: row[k] for k in PERSON_PROPS}})
    return changes


class AddressHistoryChanges(NamedTuple):
    delete: list[str]  # LIVES_AT element ids
    update: list[dict]
    create: list[dict]


def address_history_changes(state: dict[str, dict], lives_at: list[dict], gone: set[str],
                            person_eid: dict[str, str], address_eid: dict[str, str]) -> AddressHistoryChanges:
    """An entry that stays (same person, same address) is updated in place when its sources or current flag change
    (when it was last seen is not stored: readers take it from the sources' extract dates); the others are deleted
    or created. The entries of people who are `gone` go with them."""
    new_lives = {(r["person_id"], r["address_id"]): r for r in lives_at}
    old_lives = {(pid, l[0]): l for pid, now in state.items() for l in now["lives_at"]}
    return AddressHistoryChanges(
        delete=[l[5] for k, l in old_lives.items() if k not in new_lives and k[0] not in gone],
        update=[{"eid": l[5], "props": changes} for k, r in new_lives.items()
                if (l := old_lives.get(k)) is not None and (changes := _lives_changes(l, r))],
        create=[{"person": person_eid[r["person_id"]], "address": address_eid[r["address_id"]],
                 "sources": r["sources"], "current": r["current"]}
                for k, r in new_lives.items() if k not in old_lives])


class HouseholdChanges(NamedTuple):
    delete: list[str]  # Household element ids
    create: list[dict]
    members_leave: list[str]  # MEMBER_OF element ids
    members_join: list[dict]


def household_changes(touched: list[str], residents: dict[str, dict], lives_at: list[dict], affected: set[str],
                      person_eid: dict[str, str], address_eid: dict[str, str]) -> HouseholdChanges:
    """The residents of each touched address afterwards, against its household's members now: a household that
    keeps residents keeps its node (people move in and out of it); otherwise it is rebuilt, or goes."""
    moving_in: dict[str, list[str]] = defaultdict(list)
    for r in lives_at:
        if r["current"]:
            moving_in[r["address_id"]].append(r["person_id"])
    out = HouseholdChanges([], [], [], [])
    for aid in touched:
        now = residents.get(aid)
        stay = {p["id"]: p["eid"] for p in (now["residents"] if now else []) if p["id"] not in affected}
        stay.update({pid: person_eid[pid] for pid in moving_in.get(aid, ())})
        households = now["households"] if now else []
        if len(households) == 1 and stay:
            members = {m[0]: m[1] for m in households[0]["members"]}
            out.members_leave.extend(eid for pid, eid in members.items() if pid not in stay)
            out.members_join.extend({"person": eid, "household": households[0]["eid"]}
                                    for pid, eid in stay.items() if pid not in members)
            continue
        out.delete.extend(h["eid"] for h in households)
        if stay:
            out.create.append({"address": address_eid[aid], "id": household_id(aid),
                               "members": [stay[p] for p in sorted(stay)]})
    return out


def line_updates(wanted: dict[str, dict], addresses: dict[str, dict]) -> list[dict]:
    """An existing address takes the longer (fuller) line a new record gives it."""
    return [{"eid": addresses[aid]["eid"], "props": {"line": a["line"]}} for aid, a in wanted.items()
            if aid in addresses and len(a["line"]) > len(addresses[aid]["line"] or "")]


def practitioner_updates(rows: list[dict], practitioners: dict[str, dict]) -> list[dict]:
    """Existing practitioners whose name, role, team or contact details differ in the new rows."""
    return [{"eid": practitioners[p["id"]]["eid"], "props": {k: p[k] for k in PRACTITIONER_PROPS}}
            for p in rows if p["id"] in practitioners and
            any(practitioners[p["id"]]["props"].get(k) != p[k] for k in PRACTITIONER_PROPS)]


def _relationship_key(r: dict) -> tuple:
    return r["from_id"], r["to_id"], r["type"], r["kind"], r["source"]


def relationship_changes(now: list[dict], new: list[dict]) -> tuple[list[str], list[dict]]:
    """Family relationships as multisets: an extract that records the same relationship twice gets two edges, as in
    a full load, and dropping one of the copies removes one. Returns (element ids to delete, rows to create)."""
    rels_now: dict[tuple, list[str]] = defaultdict(list)
    for r in now:
        rels_now[_relationship_key(r)].append(r["eid"])
    rels_new: dict[tuple, list[dict]] = defaultdict(list)
    for r in new:
        rels_new[_relationship_key(r)].append(r)
    delete = [eid for k, eids in rels_now.items() for eid in eids[len(rels_new.get(k, ())):]]
    create = [r for k, rows in rels_new.items() for r in rows[len(rels_now.get(k, ())):]]
    return delete, create


def other_record_changes(other_records: dict[str, dict],
                         linked: dict[str, StandardRecord]) -> tuple[list[dict], list[dict]]:
    """Other sources' records of the touched people that linkage rescored (same owner, checked before): their new
    link reasons, and their HAS_RECORD's new match probability."""
    reasons = [{"eid": r["eid"], "props": {"link_reasons": linked[k].link_reasons}}
               for k, r in other_records.items() if r["link_reasons"] != linked[k].link_reasons]
    probabilities = [{"eid": r["link"], "props": {"match_probability": linked[k].match_probability}}
                     for k, r in other_records.items() if r["match_probability"] != linked[k].match_probability]
    return reasons, probabilities
