"""The root Query: search and the person page (more fields arrive with the analyst and integrator issues)."""
from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from resolvers.person_page import get_person
from resolvers.search import SearchInputError, search_people
from schema.errors import not_found, user_error
from schema.types import Person, PersonHit


@strawberry.type
class Query:
    @strawberry.field(description="Find people by name (typos, nicknames, surname first; DOB optional) or case ID. "
                                  "Youngest first.")
    async def search_people(self, info: Info, name: Optional[str] = None, dob: Optional[str] = None,
                            case_id: Optional[str] = None, first: int = 20) -> list[PersonHit]:
        try:
            return await search_people(info.context["graph"], name, dob, case_id, first)
        except SearchInputError as exc:
            raise user_error(str(exc)) from None

    @strawberry.field(description="One person with their services, family, addresses and contact numbers.")
    async def person(self, info: Info, id: strawberry.ID) -> Person:
        found = await get_person(info.context["graph"], str(id))
        if found is None:
            raise not_found("person")
        return found
