"""The person page: one Cypher round trip, shaped into services, family, addresses and contact numbers."""
from __future__ import annotations

from typing import Any

from graph_loader.service_catalogue import SERVICES, shown_at_age
from resolvers.graph_reader import GraphReader
from resolvers.link_reasons import link_reasons
from resolvers.values import age, gender, iso, to_date
from schema.types import (Address, ContactNumber, Detail, Involvement, Person, PersonHit, Practitioner,
                          Relationship, Service, SourceRecord)

CASE_SOURCES = ["lcs", "las"]

RELATIONSHIP_LABELS = {
    # (type, does the edge start at this person?, kind) -> what the other person is to this one
    ("PARENT_OF", False): lambda kind: {"mother": "Mother", "father": "Father"}.get(kind or "", "Step-parent"
                                                                                  if kind == "step-parent" else "Parent"),
    ("PARENT_OF", True): lambda kind: "Step-child" if kind == "step-parent" else "Child",
    ("SIBLING_OF", False): lambda kind: "Sibling",
    ("SIBLING_OF", True): lambda kind: "Sibling",
    ("CARER_OF", False): lambda kind: "Carer",
    ("CARER_OF", True): lambda kind: "Cared for by this person",
    ("PARTNER_OF", False): lambda kind: "Partner",
    ("PARTNER_OF", True): lambda kind: "Partner",
    ("RELATED_TO", False): lambda kind: "Other relationship",
    ("RELATED_TO", True): lambda kind: "Other relationship",
}


def person_hit(row: dict[str, Any]) -> PersonHit:
    return PersonHit(
        id=row["id"], display_name=row["display_name"], dob=iso(row.get("dob")), age=age(row.get("dob")),
        gender=gender(row.get("sex")), case_ids=sorted(set(row.get("case_ids") or [])),
        current_address=row.get("current_address"), sources=sorted(set(row.get("sources") or [])),
    )


def _involvement(row: dict[str, Any]) -> Involvement:
    practitioner = row.get("practitioner")
    return Involvement(
        kind=row["kind"], status=row["status"], start_date=iso(row.get("start_date")),
        end_date=iso(row.get("end_date")), last_contact=iso(row.get("last_contact")),
        details=[Detail(label=l, value=v) for l, v in zip(row.get("detail_labels") or [], row.get("detail_values") or [])],
        lead_practitioner=Practitioner(**practitioner) if practitioner else None,
    )


def _services(involvements: list[dict[str, Any]], extracts: list[dict[str, Any]], person_age: int | None) -> list[Service]:
    loaded = {e["source"]: e for e in extracts}
    services = []
    for service in SERVICES:
        present = [loaded[s] for s in service.sources if s in loaded]
        if not present or not shown_at_age(service.key, person_age):
            continue
        rows = [i for i in involvements if i["service_key"] == service.key]
        shown = sorted((_involvement(r) for r in rows), key=lambda i: (i.status != "Current", i.start_date or ""),
                       reverse=False)
        if any(i.status == "Current" for i in shown):
            status, summary = "Current", f"Current involvement recorded in {service.system}"
        elif shown:
            status, summary = "Historic", f"Past involvement only, recorded in {service.system}"
        else:
            status, summary = "Not found", service.not_found
        services.append(Service(
            key=service.key, name=service.name, system=service.system, status=status, summary=summary,
            involvements=shown,
            correct_as_of=iso(min(to_date(e["extracted_at"]) for e in present)),
            coverage_from=iso(min((to_date(e["coverage_from"]) for e in present if e.get("coverage_from")),
                                  default=None)),
            coverage_to=iso(max((to_date(e["coverage_to"]) for e in present if e.get("coverage_to")), default=None)),
        ))
    return services


def _relationships(rows: list[dict[str, Any]], household: list[dict[str, Any]]) -> list[Relationship]:
    seen: dict[tuple[str, str], Relationship] = {}
    for row in rows:
        label = RELATIONSHIP_LABELS[(row["type"], row["outgoing"])](row.get("kind"))
        other = row["person"]
        seen.setdefault((other["id"], label), Relationship(type=label, source=row["source"], person=person_hit(other)))
    related_ids = {person_id for person_id, _ in seen}
    for other in household:
        if other["id"] not in related_ids:
            seen[(other["id"], "Household member")] = Relationship(
                type="Household member", source="address", person=person_hit(other))
    return sorted(seen.values(), key=lambda r: (r.person.age is None, -(r.person.age or 0)))


def _addresses(rows: list[dict[str, Any]], extracted: dict[str, Any]) -> list[Address]:
    """Most recent first, then by when each was last seen: the latest extract date of the systems that record it."""
    def last_seen(sources: list[str]) -> int:
        return max((to_date(extracted[s]).toordinal() for s in sources if extracted.get(s)), default=0)

    ordered = sorted(rows, key=lambda a: (not a["current"], -last_seen(a.get("sources") or [])))
    return [Address(id=a["id"], line=a["line"] or "", postcode=a.get("postcode"), most_recent=bool(a["current"]),
                    sources=sorted(a.get("sources") or [])) for a in ordered]


def _phones(rows: list[dict[str, Any]]) -> list[ContactNumber]:
    newest_first = sorted(rows, key=lambda r: iso(r.get("updated_at")) or "", reverse=True)
    seen, numbers = set(), []
    for row in newest_first:
        if row["number"] in seen:
            continue
        seen.add(row["number"])
        numbers.append(ContactNumber(number=row["number"], type=row.get("type"), source=row["source"],
                                     updated_at=iso(row.get("updated_at"))))
    return numbers


async def get_person(graph: GraphReader, person_id: str) -> Person | None:
    rows = await graph.read("api/person_page", id=person_id, case_sources=CASE_SOURCES)
    if not rows:
        return None
    row = rows[0]
    person = row["person"]
    person_age = age(person.get("dob"))
    extracted = {e["source"]: e["extracted_at"] for e in row["extracts"]}
    addresses = _addresses(row["addresses"], extracted)
    return Person(
        id=person["id"], display_name=person["display_name"], first_name=person.get("first_name"),
        last_name=person.get("last_name"), dob=iso(person.get("dob")), age=person_age,
        gender=gender(person.get("sex")),
        case_ids=sorted({r["record_id"] for r in row["records"] if r["source"] in CASE_SOURCES}),
        current_address=next((a for a in addresses if a.most_recent), None), addresses=addresses,
        services=_services(row["involvements"], row["extracts"], person_age),
        relationships=_relationships(row["relationships"], row["household"]),
        contact_numbers=_phones(row["phones"]),
        records=sorted((SourceRecord(source=r["source"], system=r["system"], record_id=r["record_id"],
                                     match_probability=float(r["match_probability"] or 0.0),
                                     correct_as_of=iso(extracted.get(r["source"])),
                                     link_reasons=link_reasons(r.get("link_reasons"))) for r in row["records"]),
                       key=lambda r: (-r.match_probability, r.source, r.record_id)),
    )
