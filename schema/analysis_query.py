"""Query fields for analysts (relationship queries), the team around the child, integrators and the register."""
from __future__ import annotations

from datetime import date
from typing import Optional

import strawberry
from strawberry.types import Info

from resolvers.analysis import (AnalysisInputError, network, paths, people_at_address, people_of_concern,
                                shared_addresses)
from resolvers.sources import people_page, sources
from resolvers.team import team_around_child
from schema.analysis_types import (ConcernType, Network, NetworkLink, PersonOfConcernConnection, PersonOfConcernEdge,
                                   ResidentConnection, ResidentEdge, SharedAddressConnection, SharedAddressEdge,
                                   SourceSystem, TeamMember)
from schema.errors import not_found, user_error
from schema.pagination import (PageInputError, PersonHitConnection, check_page_size, connection, decode_cursor,
                               page_start, position_edges, position_page)


@strawberry.type
class AnalysisQuery:
    @strawberry.field(description="Every practitioner currently involved with the child or the people around them, "
                                  "once each, with why they are listed.")
    async def team_around_child(self, info: Info, person_id: strawberry.ID) -> list[TeamMember]:
        return await team_around_child(info.context["graph"], str(person_id))

    @strawberry.field(description="The person's family, households and (optionally) addresses up to `depth` steps "
                                  "(1-3), as nodes and edges ready to draw.")
    async def network(self, info: Info, person_id: strawberry.ID, depth: int = 1,
                      links: Optional[list[NetworkLink]] = None) -> Network:
        try:
            found = await network(info.context["graph"], str(person_id), depth, links or [])
        except AnalysisInputError as exc:
            raise user_error(str(exc)) from None
        if found is None:
            raise not_found("person")
        return found

    @strawberry.field(description="Shortest connections between two people through family, households and "
                                  "addresses, up to `maxHops` (1-6).")
    async def paths(self, info: Info, from_id: strawberry.ID, to_id: strawberry.ID, max_hops: int = 4) -> list[Network]:
        try:
            return await paths(info.context["graph"], str(from_id), str(to_id), max_hops)
        except AnalysisInputError as exc:
            raise user_error(str(exc)) from None

    @strawberry.field(description="Who lives or lived at an address, optionally last seen between two dates: "
                                  "living there now first, then youngest first; at most 100 a page.")
    async def people_at_address(self, info: Info, address_id: strawberry.ID, seen_from: Optional[date] = None,
                                seen_to: Optional[date] = None, first: int = 50,
                                after: Optional[str] = None) -> ResidentConnection:
        try:
            skip = page_start(first, after)
        except PageInputError as exc:
            raise user_error(str(exc)) from None
        residents, total = await people_at_address(info.context["graph"], str(address_id), seen_from, seen_to,
                                                   skip, first)
        edges, page_info = position_edges(residents, skip, skip + len(residents) < total, ResidentEdge)
        return ResidentConnection(edges=edges, total_count=total, page_info=page_info)

    @strawberry.field(description="People who share, or shared, an address with the person, by address (in a stable "
                                  "order); at most 100 addresses a page.")
    async def shared_addresses(self, info: Info, person_id: strawberry.ID, first: int = 50,
                               after: Optional[str] = None) -> SharedAddressConnection:
        try:
            skip = page_start(first, after)
        except PageInputError as exc:
            raise user_error(str(exc)) from None
        found = await shared_addresses(info.context["graph"], str(person_id), skip, first + 1)
        edges, page_info = position_page(found, skip, first, SharedAddressEdge)
        return SharedAddressConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="People within `depth` steps (1-3) of a child with the chosen involvements "
                                  "(anti-social behaviour, probation, youth justice), aged `minAge` (0-130) or over or "
                                  "of unknown age: nearest first, then oldest; at most 100 a page.")
    async def people_of_concern(self, info: Info, person_id: strawberry.ID, depth: int = 2,
                                types: Optional[list[ConcernType]] = None, min_age: int = 18, first: int = 50,
                                after: Optional[str] = None) -> PersonOfConcernConnection:
        try:
            skip = page_start(first, after)
            found = await people_of_concern(info.context["graph"], str(person_id), depth, types or [], min_age,
                                            skip, first + 1)
        except (AnalysisInputError, PageInputError) as exc:
            raise user_error(str(exc)) from None
        edges, page_info = position_page(found, skip, first, PersonOfConcernEdge)
        return PersonOfConcernConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="Each source system: last synchronised, coverage period and row counts.")
    async def sources(self, info: Info) -> list[SourceSystem]:
        return await sources(info.context["graph"])

    @strawberry.field(description="Every person, in stable id order, a page at a time (at most 100 a page).")
    async def people(self, info: Info, first: int = 50, after: Optional[str] = None) -> PersonHitConnection:
        try:
            check_page_size(first)
            return connection(await people_page(info.context["graph"], decode_cursor(after), first), first)
        except PageInputError as exc:
            raise user_error(str(exc)) from None
