"""From extracts + linkage output to the rows the graph holds: every row accounted for, bad rows quarantined.

Pure Python, no database: `prepare(extracts, linked, cfg)` returns a `Prepared` whose lists are written as they are
by the transactional path (graph_loader/generation.py), the bulk importer (graph_loader/bulk.py) and, restricted
to one source's part, the one-source refresh (graph_loader/refresh.py). One preparation, three writers: the graphs
they produce cannot drift apart.

Quarantine rules (each row ends up loaded or quarantined, never both, never neither; per source
rows_in = rows_loaded + rows_quarantined, with the reason naming source, file, row and record id):

- a record id that appears more than once in its extract: every copy is quarantined (we cannot tell which is true);
- a record linkage did not link to a person (linkage's own quarantine.csv says why);
- a date that is not a date, or that is impossible: after the extract date, or an end before its start;
- a relationship or contact number whose record is not loaded (dangling reference), a relationship of a person to
  themselves (linkage merged both records), a relationship kind outside the fixed list, a number that is not a UK
  number, or a duplicate of a number already given for the same record.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from graph_loader.compact_json import compact_encoder
from graph_loader.contact_numbers import phone_rows
from graph_loader.dates import BadDate, parse_date
from graph_loader.extract_reader import read_rows
from graph_loader.involvements import RULES, Involvement
from graph_loader.link_reasons import read_link_reasons
from graph_loader.linked_reader import RECORD_COLUMNS, address_pairs, linked_record_rows, people_with_sources
from graph_loader.people import (KnownAddressIds, StandardRecord, address_id, address_rows, household_rows,
                                 person_row, record_address_id, record_key)
from graph_loader.practitioners import complete, read_directory
from graph_loader.relationships import relationship_rows
from graph_loader.service_catalogue import SERVICE_BY_SOURCE, SERVICES
from linkage.sources_config import SourcesConfig


@dataclass
class SourceCounts:
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0


@dataclass
class LoadReport:
    run_id: str
    kind: str = "full"
    counts: dict[str, SourceCounts] = field(default_factory=dict)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def _of(self, source: str) -> SourceCounts:
        # Not setdefault(source, SourceCounts()): that built a new SourceCounts for every row of a large town.
        found = self.counts.get(source)
        if found is None:
            found = self.counts[source] = SourceCounts()
        return found

    def seen(self, source: str) -> None:
        self._of(source).rows_in += 1

    def loaded(self, source: str) -> None:
        self._of(source).rows_loaded += 1

    def quarantine_row(self, source: str, file: str, row_number: int, record_id: str, reason: str) -> None:
        self._of(source).rows_quarantined += 1
        self.quarantine.append({"source": source, "file": file, "row_number": row_number,
                                "record_id": record_id, "reason": reason})

    def counts_json(self) -> str:
        return json.dumps({k: vars(v) for k, v in sorted(self.counts.items())})


@dataclass
class Prepared:
    report: LoadReport
    services: list[dict] = field(default_factory=list)
    practitioners: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    addresses: list[dict] = field(default_factory=list)
    recorded_at: list[dict] = field(default_factory=list)
    lives_at: list[dict] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    relationships: list[dict] = field(default_factory=list)
    involvements: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)
    has_phone: list[dict] = field(default_factory=list)
    source_extracts: list[dict] = field(default_factory=list)
    # Kept for the one-source refresh: the accepted standardised records, by record key.
    standard: dict[str, StandardRecord] = field(default_factory=dict)

    def expected_nodes(self) -> dict[str, int]:
        return {"Person": len(self.people), "SourceRecord": len(self.records), "Address": len(self.addresses),
                "Household": len(self.households), "Involvement": len(self.involvements),
                "Service": len(self.services), "Practitioner": len(self.practitioners), "Phone": len(self.phones),
                "SourceExtract": len(self.source_extracts)}

    def expected_relationships(self) -> dict[str, int]:
        by_type: dict[str, int] = defaultdict(int)
        for row in self.relationships:
            by_type[row["type"]] += 1
        return {"HAS_RECORD": len(self.records), "RECORDED_AT": len(self.recorded_at),
                "LIVES_AT": len(self.lives_at), "AT": len(self.households), "MEMBER_OF": len(self.members),
                "RECORDS": len(self.involvements), "WITH": len(self.involvements),
                "LEAD_PRACTITIONER": sum(1 for r in self.involvements if r["practitioner_id"]),
                "HAS_PHONE": len(self.has_phone), **by_type}


def extract_dates(extracts: Path, cfg: SourcesConfig) -> dict[str, dict[str, date | None]]:
    """Extract date and coverage per source: from the manifest when there is one, else the file's date."""
    manifest_path = extracts / "manifest.json"
    manifest = json.loads(manifest_path.read_text()).get("sources", {}) if manifest_path.is_file() else {}
    dates = {}
    for source in cfg.sources:
        info = manifest.get(source.name, {})
        file_day = datetime.fromtimestamp((extracts / source.file).stat().st_mtime).date()
        dates[source.name] = {
            "extracted_at": parse_date(info.get("extracted_at"), "extracted_at") or file_day,
            "coverage_from": parse_date(info.get("coverage_from"), "coverage_from"),
            "coverage_to": parse_date(info.get("coverage_to"), "coverage_to"),
        }
    return dates


def read_linked(linked: Path, dates: dict[str, dict[str, date | None]], keep_people: set[str] | None = None,
                with_sources: set[str] | None = None,
                reasons: dict[str, str] | None = None) -> dict[str, StandardRecord]:
    """Every linked record; or, for a one-source refresh, only the records of `keep_people` and of the people who hold
    a record of `with_sources` (DuckDB skips the other rows before they reach Python: graph_loader/linked_reader.py).
    `reasons`: their link reasons, when the caller has read them already (source_people_link_reasons)."""
    people = None if keep_people is None and with_sources is None else set(keep_people or ())
    if people is not None and with_sources:
        people |= people_with_sources(linked / "clusters.csv", with_sources)
    records = {}
    today = date.today()
    if reasons is None:
        reasons = read_link_reasons(linked, people)
    extracted = {source: info.get("extracted_at") or today for source, info in dates.items()}
    for source, record_id, person_id, first, last, dob, sex, address, postcode, probability in \
            linked_record_rows(linked, people):
        key = record_key(source, record_id)
        records[key] = StandardRecord(
            key=key, source=source, record_id=record_id, person_id=person_id,
            match_probability=float(probability or 1.0), first_name=first,
            last_name=last, dob=parse_date(dob, "dob"), sex=sex or "U",
            address=address, postcode=postcode,
            extracted_at=extracted.get(source, today),
            link_reasons=reasons.get(key),
        )
    return records


def source_people_link_reasons(linked: Path, sources: list[str]) -> dict[str, str]:
    """The link reasons of every record of the people who hold a record of `sources`: what read_linked(...,
    with_sources=sources) would read. A one-source refresh runs it in a process of its own, on the other core, while
    it prepares everything else (it is a third of the preparing at a million people)."""
    return read_link_reasons(linked, people_with_sources(linked / "clusters.csv", set(sources)))


def address_ids(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """people.address_id of each (line, postcode), for people_rows and address_nodes."""
    return {pair: address_id(*pair) for pair in pairs}


def source_people_address_ids(linked: Path, sources: list[str]) -> dict[tuple[str, str], str]:
    """address_ids of every address the people who hold a record of `sources` are known at: what people_rows and
    address_nodes need for them. A one-source refresh runs it in its helper process first thing (before the link
    reasons), so that it can work out the people's rows while the helper is still on the reasons."""
    return address_ids(address_pairs(linked, people_with_sources(linked / "clusters.csv", set(sources))))


def impossible_dates(inv: Involvement, extracted_at: date) -> str | None:
    """Why an involvement's dates cannot be true, or None."""
    for label, value in (("start", inv.start), ("end", inv.end), ("last contact", inv.last_contact)):
        if value is not None and value > extracted_at:
            return f"impossible date: {label} {value.isoformat()} is after the extract date {extracted_at.isoformat()}"
    if inv.start is not None and inv.end is not None and inv.end < inv.start:
        return f"impossible dates: end {inv.end.isoformat()} is before start {inv.start.isoformat()}"
    return None


def source_rows(extracts: Path, cfg: SourcesConfig, records: dict[str, StandardRecord],
                dates: dict[str, dict[str, date | None]], report: LoadReport,
                only: set[str] | None = None) -> tuple[list[Involvement], set[str]]:
    """Apply the business rules to every row of every person-bearing source (or only those named).

    Returns the involvements shown and the keys of the records loaded (rows not quarantined)."""
    found: list[Involvement] = []
    accepted: set[str] = set()
    for source in cfg.sources:
        if only is not None and source.name not in only:
            continue
        report.counts.setdefault(source.name, SourceCounts())
        rule = RULES.get(source.name)
        extracted_at = dates[source.name]["extracted_at"]
        id_columns = source.record_id
        rows = [(row_number, row, "-".join(row[c].strip() for c in id_columns))
                for row_number, row in read_rows(extracts / source.file, id_columns)]
        seen_at: dict[str, list[int]] = defaultdict(list)
        for row_number, _, record_id in rows:
            seen_at[record_id].append(row_number)
        for row_number, row, record_id in rows:
            report.seen(source.name)
            copies = seen_at[record_id]
            if len(copies) > 1:
                report.quarantine_row(source.name, source.file, row_number, record_id,
                                      f"record id appears {len(copies)} times in the extract (rows "
                                      f"{', '.join(map(str, copies))}): no copy is loaded")
                continue
            key = record_key(source.name, record_id)
            if key not in records:
                report.quarantine_row(source.name, source.file, row_number, record_id,
                                      "record not linked to a person (see linkage quarantine.csv)")
                continue
            shown: list[Involvement] = []
            if rule is not None:
                try:
                    shown = rule(row, record_id, extracted_at)
                except (BadDate, ValueError) as exc:
                    report.quarantine_row(source.name, source.file, row_number, record_id, str(exc))
                    continue
                problem = next(filter(None, (impossible_dates(inv, extracted_at) for inv in shown)), None)
                if problem:
                    report.quarantine_row(source.name, source.file, row_number, record_id, problem)
                    continue
            report.loaded(source.name)
            accepted.add(key)
            found.extend(shown)
    return found, accepted


def involvement_rows(involvements: list[Involvement], directory: dict) -> tuple[list[dict], list[dict]]:
    practitioners: dict[str, dict] = {}
    rows = []
    for inv in involvements:
        practitioner_id = None
        if inv.practitioner and inv.practitioner.name:
            contact = complete(inv.practitioner, directory)
            practitioners.setdefault(contact["id"], contact)
            practitioner_id = contact["id"]
        service = SERVICE_BY_SOURCE[inv.source]
        rows.append({
            "record_key": record_key(inv.source, inv.record_id), "service_key": service.key,
            "practitioner_id": practitioner_id,
            "props": {"id": inv.id, "source": inv.source, "kind": inv.kind, "status": inv.status,
                      "start_date": inv.start, "end_date": inv.end, "last_contact": inv.last_contact,
                      # No details: no property (the bulk importer cannot write an empty list; readers take null as none).
                      "detail_labels": [d[0] for d in inv.details] or None,
                      "detail_values": [d[1] for d in inv.details] or None},
        })
    return rows, list(practitioners.values())


def address_nodes(records: list[StandardRecord], known: KnownAddressIds | None = None) -> dict[str, dict]:
    """One node per dwelling; the fullest way any system wrote the address is the one shown."""
    nodes: dict[str, dict] = {}
    for rec in records:
        if rec.address or rec.postcode:
            aid = record_address_id(rec, known)
            shown = nodes.get(aid)
            if shown is None or len(rec.address) > len(shown["line"]) or (
                    len(rec.address) == len(shown["line"]) and rec.address < shown["line"]):
                nodes[aid] = {"id": aid, "line": rec.address, "postcode": rec.postcode}
    return nodes


def record_row(r: StandardRecord, cfg: SourcesConfig, holds_digest: str | None = None) -> dict:
    return {"person_id": r.person_id, "match_probability": r.match_probability,
            "props": {"key": r.key, "source": r.source, "system": cfg.source(r.source).system,
                      "record_id": r.record_id, "first_name": r.first_name, "last_name": r.last_name,
                      "dob": r.dob, "link_reasons": r.link_reasons,
                      "holds_digest": holds_digest}}


def holds_digests(keys: Iterable[str], involvements: list[dict], has_phone: list[dict],
                  recorded_at: list[dict]) -> dict[str, str]:
    """record key -> a digest of what the record holds besides its own properties: its involvements (with their
    service and lead practitioner), phone numbers and addresses. Stored on the record (`holds_digest`), it lets a
    one-source refresh see that a record comes out the same by reading one property instead of walking everything
    the record points at (graph_loader/refresh.py). Computed from prepared rows only, the same way by every load."""
    wanted = keys if isinstance(keys, (set, dict)) else set(keys)
    parts: dict[str, list[str]] = defaultdict(list)
    for inv in involvements:
        parts[inv["record_key"]].append(_canonical(["i", inv["service_key"], inv["practitioner_id"], inv["props"]]))
    for ph in has_phone:
        parts[ph["record_key"]].append(_canonical(["p", ph["number"], ph["type"], ph["updated_at"]]))
    for row in recorded_at:  # a refresh passes every touched person's records: only those of `keys` count
        if row["record_key"] in wanted:
            parts[row["record_key"]].append(_canonical(["a", row["address_id"]]))
    return {key: hashlib.sha1("\n".join(sorted(parts.get(key, ()))).encode()).hexdigest()[:20] for key in wanted}


# The same bytes as json.JSONEncoder(sort_keys=True, ...) wrote them: the digests stored by earlier loads depend on
# them. orjson makes them (graph_loader/compact_json.py): they were a tenth of a million-person refresh's Python.
_canonical = compact_encoder(sort_keys=True)


def people_rows(by_person: dict[str, list[StandardRecord]],
                known: KnownAddressIds | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    """(person rows, LIVES_AT rows, RECORDED_AT rows) for these people."""
    ordered = sorted_people(by_person)
    lives_at, recorded_at = address_history_rows(ordered, known)
    return person_rows(ordered), lives_at, recorded_at


def sorted_people(by_person: dict[str, list[StandardRecord]]) -> dict[str, list[StandardRecord]]:
    """The same people in id order, each one's records in key order: the order every row list of them is in."""
    return {pid: sorted(by_person[pid], key=lambda r: r.key) for pid in sorted(by_person)}


def person_rows(ordered: dict[str, list[StandardRecord]]) -> list[dict]:
    """One Person row per person of `ordered` (sorted_people)."""
    return [person_row(pid, recs) for pid, recs in ordered.items()]


def address_history_rows(ordered: dict[str, list[StandardRecord]],
                         known: KnownAddressIds | None = None) -> tuple[list[dict], list[dict]]:
    """(LIVES_AT rows, RECORDED_AT rows) of the people of `ordered` (sorted_people), person after person."""
    lives_at: list[dict] = []
    recorded_at: list[dict] = []
    for recs in ordered.values():
        lives, recorded = address_rows(recs, known)
        lives_at.extend(lives)
        recorded_at.extend(recorded)
    return lives_at, recorded_at


def phone_nodes(phones: list[dict]) -> tuple[list[dict], list[dict]]:
    """(Phone nodes, HAS_PHONE rows): one node per number, one edge per (record, number)."""
    edges: dict[tuple[str, str], dict] = {}
    for row in phones:
        edges.setdefault((row["record_key"], row["number"]), row)
    numbers = sorted({row["number"] for row in edges.values()})
    return [{"number": n} for n in numbers], list(edges.values())


def prepare(extracts: Path, linked: Path, cfg: SourcesConfig, run_id: str, kind: str = "full") -> Prepared:
    """Everything a generation holds, prepared in this thread (the bulk importer, tests)."""
    prepared = Prepared(report=LoadReport(run_id=run_id, kind=kind))
    for _ in prepare_in_order(extracts, linked, cfg, prepared):
        pass
    return prepared


def prepare_in_order(extracts: Path, linked: Path, cfg: SourcesConfig, prepared: Prepared,
                     helper: Executor | None = None) -> Iterator[str]:
    """Fill `prepared` list by list, yielding each list's name (a Prepared attribute) as soon as it is final, so a
    writer can start on the people while the rest is still being prepared (graph_loader/prepare_ahead.py). The lists
    are the same whatever the order they are asked for in; the people first, then what depends on less.

    `helper`: a process on the other core. While this thread applies the business rules (which decide the records
    loaded), it works out the people's rows from linkage's output, then every address id, then the link reasons: the
    people are ready to write sooner, and the rest is off this thread. Without a helper, or if it fails, all of it
    is worked out here."""
    report = prepared.report
    prepared.services = [{"key": s.key, "name": s.name, "system": s.system} for s in SERVICES]
    yield "services"
    dates = extract_dates(extracts, cfg)
    # In the order they are needed (the helper takes one at a time).
    people_ahead = _submit(helper, linked_person_rows, linked, dates)
    ids = _submit(helper, linked_address_ids, linked)
    reasons = _submit(helper, read_link_reasons, linked)
    linked_records = read_linked(linked, dates, reasons={})  # their link reasons are attached below
    involvements, accepted = source_rows(extracts, cfg, linked_records, dates, report)
    records = {k: r for k, r in linked_records.items() if k in accepted}
    # People with a record quarantined: their row is worked out again here, from the records loaded.
    recheck = {r.person_id for k, r in linked_records.items() if k not in accepted}
    del linked_records
    by_person: dict[str, list[StandardRecord]] = defaultdict(list)
    for rec in records.values():
        by_person[rec.person_id].append(rec)
    ordered = sorted_people(by_person)
    del by_person
    prepared.people = _people(ordered, _result(people_ahead, dict, report, "people"), recheck)
    yield "people"

    # What does not need the address ids first, while the helper works them out.
    inv_rows, practitioner_rows = involvement_rows(involvements, read_directory(extracts / "staff_directory.csv"))
    prepared.practitioners = sorted(practitioner_rows, key=lambda p: p["id"])
    yield "practitioners"
    # Contact numbers before relationships: each appends to the quarantine, which keeps this order.
    prepared.phones, prepared.has_phone = phone_nodes(phone_rows(extracts, cfg, records, report))
    yield "phones"
    yield "has_phone"
    prepared.relationships = relationship_rows(extracts, cfg, records, report)
    yield "relationships"

    known = _result(ids, dict, report, "address_ids")
    lives_at, recorded_at = address_history_rows(ordered, known)
    del ordered
    prepared.addresses = sorted(address_nodes(list(records.values()), known).values(), key=lambda a: a["id"])
    del known
    yield "addresses"
    prepared.lives_at = lives_at
    yield "lives_at"
    households = household_rows(lives_at)
    prepared.households = [{"id": h["id"], "address_id": h["address_id"]} for h in households]
    yield "households"
    prepared.members = [{"household_id": h["id"], "person_id": m} for h in households for m in h["members"]]
    yield "members"

    digests = holds_digests(records, inv_rows, prepared.has_phone, recorded_at)
    link_reasons = _result(reasons, lambda: read_link_reasons(linked), report, "link_reasons")
    for rec in records.values():
        rec.link_reasons = link_reasons.get(rec.key)
    del link_reasons
    prepared.records = [record_row(r, cfg, digests[r.key]) for r in sorted(records.values(), key=lambda r: r.key)]
    yield "records"
    prepared.recorded_at = recorded_at
    yield "recorded_at"
    prepared.involvements = inv_rows
    yield "involvements"
    prepared.source_extracts = source_extract_rows(cfg, dates, report)
    prepared.standard = records
    yield "source_extracts"


def linked_person_rows(linked: Path, dates: dict[str, dict[str, date | None]]) -> dict[str, dict]:
    """person_row of every person linkage linked records to, from all their linked records: the row of every
    person none of whose records is quarantined. A full load's helper process works them out while the loader
    applies the business rules."""
    by_person: dict[str, list[StandardRecord]] = defaultdict(list)
    for rec in read_linked(linked, dates, reasons={}).values():
        by_person[rec.person_id].append(rec)
    return {pid: person_row(pid, recs) for pid, recs in sorted_people(by_person).items()}


def linked_address_ids(linked: Path) -> dict[tuple[str, str], str]:
    """address_id of the address of every linked record (a full load's helper process works them out)."""
    line, postcode = RECORD_COLUMNS.index("address"), RECORD_COLUMNS.index("postcode")
    return address_ids(sorted({(row[line], row[postcode]) for row in linked_record_rows(linked)
                               if row[line] or row[postcode]}))


def _people(ordered: dict[str, list[StandardRecord]], ahead: dict[str, dict], recheck: set[str]) -> list[dict]:
    """person_rows(ordered), taking the rows worked out ahead (linked_person_rows) where they hold: for everyone
    whose linked records were all loaded."""
    return [ahead[pid] if pid in ahead and pid not in recheck else person_row(pid, recs)
            for pid, recs in ordered.items()]


def _submit(helper: Executor | None, fn: Callable[..., Any], *args: Any) -> Future | None:
    """fn(*args) in the helper process, or None when there is none or it cannot take work."""
    if helper is None:
        return None
    try:
        return helper.submit(fn, *args)
    except Exception:  # a broken or shut-down helper: the caller works it out itself
        return None


def _result(future: Future | None, otherwise: Callable[[], Any], report: LoadReport, what: str) -> Any:
    """The helper's answer; otherwise() when there was no helper or it failed (the same answer, worked out here).
    How long it was waited for goes into report.timings[f"wait_helper_{what}"]."""
    if future is not None:
        t = time.perf_counter()
        try:
            return future.result()
        except Exception:
            pass
        finally:
            report.timings[f"wait_helper_{what}"] = round(time.perf_counter() - t, 2)
    return otherwise()


def source_extract_rows(cfg: SourcesConfig, dates: dict, report: LoadReport,
                        only: set[str] | None = None) -> list[dict]:
    return [{
        "source": s.name, "system": s.system, "file": s.file, **dates[s.name],
        "rows_in": report.counts[s.name].rows_in, "rows_loaded": report.counts[s.name].rows_loaded,
        "rows_quarantined": report.counts[s.name].rows_quarantined,
    } for s in cfg.sources if only is None or s.name in only]
