"""The GraphQL types: what a social worker's page, an analyst and an integrator can ask for about a person."""
from __future__ import annotations

from typing import Optional

import strawberry


@strawberry.type(description="A search result, or a related person shown in brief.")
class PersonHit:
    id: strawberry.ID
    display_name: str
    dob: Optional[str] = strawberry.field(description="Date of birth, ISO 8601.")
    age: Optional[int]
    gender: Optional[str]
    case_ids: list[str] = strawberry.field(description="Case ids in social care systems (LCS, LAS).")
    current_address: Optional[str]
    sources: list[str] = strawberry.field(description="Source systems that hold a record of this person.")


@strawberry.type(description="An address a person is known at; the most recent one is marked.")
class Address:
    id: strawberry.ID
    line: str
    postcode: Optional[str]
    most_recent: bool
    sources: list[str]


@strawberry.type
class Detail:
    label: str
    value: str


@strawberry.type(description="Whom to call: the lead practitioner for an involvement.")
class Practitioner:
    name: str
    role: Optional[str]
    team: Optional[str]
    phone: Optional[str]
    email: Optional[str]


@strawberry.type(description="One involvement of a service with the person, as its source system records it.")
class Involvement:
    kind: str
    status: str
    start_date: Optional[str]
    end_date: Optional[str]
    last_contact: Optional[str]
    details: list[Detail]
    lead_practitioner: Optional[Practitioner]


@strawberry.type(description="A service and whether it knows the person: Current, Historic or Not found.")
class Service:
    key: str
    name: str
    system: str
    status: str
    summary: str = strawberry.field(description="The sentence to show, e.g. 'Not found in Synergy'.")
    involvements: list[Involvement]
    correct_as_of: Optional[str] = strawberry.field(description="Date the source extract was taken.")
    coverage_from: Optional[str]
    coverage_to: Optional[str]


@strawberry.type(description="Someone related to the person, and how.")
class Relationship:
    type: str = strawberry.field(description="What the related person is to this person: Mother, Sibling, ...")
    source: str
    person: PersonHit


@strawberry.type
class ContactNumber:
    number: str
    type: Optional[str]
    source: str
    updated_at: Optional[str]


@strawberry.type(description="One comparison the matching model made between two of the person's records: the "
                               "level reached (never the values compared) and how much it counted.")
class LinkComparison:
    comparison: str = strawberry.field(description="What was compared, e.g. 'Date of birth'.")
    level: str = strawberry.field(description="How closely it agreed, e.g. 'Exact match', 'Day and month swapped'.")
    match_weight: Optional[float] = strawberry.field(
        description="Evidence for (+) or against (-) the match, in bits; null for a trusted identifier.")
    effect: str = strawberry.field(description="agrees, disagrees, neutral or missing (not recorded on both).")


@strawberry.type(description="Why this record was linked to another of the person's records: the model's score "
                               "and comparisons, a shared trusted identifier, or a person's decision.")
class LinkReason:
    other_source: str
    other_record_id: str
    method: str = strawberry.field(description="model, identifier or decision.")
    summary: str = strawberry.field(description="One sentence to show, e.g. 'Same NHS number'.")
    joined: bool = strawberry.field(
        description="This link joined the record to the person; other links only corroborate it.")
    match_probability: Optional[float]
    match_weight: Optional[float]
    comparisons: list[LinkComparison] = strawberry.field(description="Strongest evidence first.")
    decided_by: Optional[str] = strawberry.field(
        default=None, description="For a data manager's decision: who recorded it.")
    decided_at: Optional[str] = strawberry.field(
        default=None, description="For a data manager's decision: the day it was recorded, ISO 8601.")


@strawberry.type(description="One source system's record of the person, and how confident the match is.")
class SourceRecord:
    source: str
    system: str
    record_id: str
    match_probability: float = strawberry.field(
        description="Probability this record belongs to the person (1.0: exact identifier or the only record).")
    correct_as_of: Optional[str]
    link_reasons: list[LinkReason] = strawberry.field(
        default_factory=list, description="Why we think this record is the same person as the person's other records; empty when it "
                    "is their only record.")


@strawberry.type(description="A person: one identity matched across the source systems.")
class Person:
    id: strawberry.ID
    display_name: str
    first_name: Optional[str]
    last_name: Optional[str]
    dob: Optional[str]
    age: Optional[int]
    gender: Optional[str]
    case_ids: list[str]
    current_address: Optional[Address]
    addresses: list[Address]
    services: list[Service]
    relationships: list[Relationship]
    contact_numbers: list[ContactNumber] = strawberry.field(description="Most recently updated first.")
    records: list[SourceRecord] = strawberry.field(description="The source records matched to this person.")
