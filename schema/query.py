"""The root Query: search and the person page (more fields arrive with the analyst and integrator issues)."""
from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from resolvers.person_page import get_person
from resolvers.search import MAX_REACH, MAX_RESULTS, SearchInputError, search_people
from schema.errors import not_found, user_error
from schema.pagination import PageInputError, PersonSearchConnection, PersonSearchEdge, page_start, position_edges
from schema.types import Person


@strawberry.type
class Query:
    @strawberry.field(description=f"Find people by name (typos, nicknames, surname first; DOB optional) or case "
                                  f"ID. The best `first` matches (at most {MAX_RESULTS}) by relevance, listed youngest "
                                  f"first; page on with `after` as far as the best {MAX_REACH}.")
    async def search_people(self, info: Info, name: Optional[str] = None, dob: Optional[str] = None,
                            case_id: Optional[str] = None, first: int = 20,
                            after: Optional[str] = None) -> PersonSearchConnection:
        try:
            skip = page_start(first, after, MAX_RESULTS)
            hits, has_next_page = await search_people(info.context["graph"], name, dob, case_id, skip, first)
        except (PageInputError, SearchInputError) as exc:
            raise user_error(str(exc)) from None
        edges, page_info = position_edges(hits, skip, has_next_page, PersonSearchEdge)
        # Relevance picks who is on the page; the page itself reads youngest first, as social workers asked.
        edges.sort(key=lambda edge: edge.node.dob or "", reverse=True)
        return PersonSearchConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="One person with their services, family, addresses and contact numbers.")
    async def person(self, info: Info, id: strawberry.ID) -> Person:
        found = await get_person(info.context["graph"], str(id))
        if found is None:
            raise not_found("person")
        return found
