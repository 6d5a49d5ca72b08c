"""Types for the team around the child and analysts' relationship queries."""
from __future__ import annotations

from enum import Enum
from typing import Optional

import strawberry

from schema.pagination import PageInfo
from schema.types import Practitioner, PersonHit


@strawberry.type(description="Why a practitioner is on the team around the child.")
class TeamReason:
    person: PersonHit
    relationship: str = strawberry.field(description="Who the person is to the child: This person, Mother, ...")
    service: str
    involvement: str


@strawberry.type(description="A practitioner to invite to a strategy meeting, listed once with every reason.")
class TeamMember:
    practitioner: Practitioner
    reasons: list[TeamReason]


@strawberry.type(description="A node ready to draw: a person, household or address.")
class NetworkNode:
    id: strawberry.ID
    kind: str = strawberry.field(description="Person, Household or Address.")
    label: str
    age: Optional[int]
    services: list[str] = strawberry.field(description="service:status pairs, e.g. probation:Current.")


@strawberry.type(description="An edge ready to draw.")
class NetworkEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str
    kind: Optional[str]


@strawberry.type
class Network:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool = strawberry.field(description="True when the node limit cut the network short.")


@strawberry.type(description="Someone recorded at an address, and whether they live there now.")
class Resident:
    person: PersonHit
    lives_there_now: bool
    recorded_by: list[str]
    last_seen: Optional[str]


@strawberry.type
class ResidentEdge:
    cursor: str
    node: Resident


@strawberry.type(description="A page of the people recorded at an address; ask for the next with "
                             "`after: pageInfo.endCursor`.")
class ResidentConnection:
    edges: list[ResidentEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many people are recorded at the address in all.")


@strawberry.type(description="An address the person shares or shared with others.")
class SharedAddress:
    address_id: strawberry.ID
    line: str
    postcode: Optional[str]
    people: list[PersonHit]


@strawberry.type
class SharedAddressEdge:
    cursor: str
    node: SharedAddress


@strawberry.type(description="A page of the addresses a person shares or shared with others; ask for the next with "
                             "`after: pageInfo.endCursor`.")
class SharedAddressConnection:
    edges: list[SharedAddressEdge]
    page_info: PageInfo


@strawberry.enum(description="Involvements analysts look for around a child.")
class ConcernType(Enum):
    ASB = "housing_asb"
    PROBATION = "probation"
    YOUTH_JUSTICE = "yos"


@strawberry.type(description="A person near the child with an involvement of concern.")
class PersonOfConcern:
    person: PersonHit
    steps: Optional[int] = strawberry.field(description="Hops from the child through family, household, address.")
    involvements: list[str] = strawberry.field(description="kind (status, source) of each matching involvement.")


@strawberry.type
class PersonOfConcernEdge:
    cursor: str
    node: PersonOfConcern


@strawberry.type(description="A page of the people of concern near a child, nearest first; ask for the next with "
                             "`after: pageInfo.endCursor`.")
class PersonOfConcernConnection:
    edges: list[PersonOfConcernEdge]
    page_info: PageInfo


@strawberry.enum(description="What a network may follow.")
class NetworkLink(Enum):
    FAMILY = "family"
    HOUSEHOLD = "household"
    ADDRESS = "address"


@strawberry.type(description="A source system: when it was last synchronised, what it covers, how many rows.")
class SourceSystem:
    source: str
    system: str
    last_synchronised: Optional[str]
    extracted_at: Optional[str]
    coverage_from: Optional[str]
    coverage_to: Optional[str]
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
