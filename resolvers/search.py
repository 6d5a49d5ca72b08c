"""`searchPeople`: by name (typos, nicknames, any order, DOB optional) or straight to a person by case id."""
from __future__ import annotations

import re
from datetime import date

from graph_loader.dates import BadDate, parse_date
from resolvers.graph_reader import GraphReader
from resolvers.person_page import CASE_SOURCES, person_hit
from resolvers.search_terms import lucene_query
from schema.types import PersonHit

MAX_RESULTS = 50
# How deep paging may go: past the 500 best matches, a date of birth or more of the name finds the person sooner,
# and each page deeper costs Neo4j the ranking of every hit above it.
MAX_REACH = 500


class SearchInputError(ValueError):
    """Input the search cannot use; the message says what to type instead and never repeats the input."""


def dob_filter(dob: str | None) -> dict[str, date | None]:
    """An exact date (2014-02-03 or 03/02/2014) or a year (2014) as a range."""
    text = (dob or "").strip()
    if not text:
        return {"dob": None, "dob_from": None, "dob_to": None}
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return {"dob": None, "dob_from": date(year, 1, 1), "dob_to": date(year, 12, 31)}
    try:
        return {"dob": parse_date(text, "dob"), "dob_from": None, "dob_to": None}
    except BadDate:
        raise SearchInputError("Date of birth must be a date such as 2014-02-03 or 03/02/2014, or a year such as 2014")


def page_limit(skip: int, first: int) -> int:
    """How many hits the page may hold: `first`, or fewer where it meets the reach."""
    if skip >= MAX_REACH:
        raise SearchInputError(f"Search pages go no further than the best {MAX_REACH} matches: add a date of birth "
                               "or more of the name to narrow the search")
    return min(first, MAX_REACH - skip)


async def search_people(graph: GraphReader, name: str | None, dob: str | None, case_id: str | None,
                        skip: int, first: int) -> tuple[list[PersonHit], bool]:
    """The hits ranked skip + 1 to skip + first by relevance, in rank order, and whether more follow."""
    limit = page_limit(skip, first)
    if case_id and case_id.strip():
        cleaned = re.sub(r"\s+", "", case_id.strip())
        rows = await graph.read("api/search_by_case_id", case_id=cleaned, skip=skip, limit=limit + 1,
                                case_sources=CASE_SOURCES)
    else:
        lucene = lucene_query(name or "")
        if lucene is None:
            raise SearchInputError("Enter a name (surname first is fine) or a case ID")
        rows = await graph.read("api/search_by_name", lucene=lucene, skip=skip, limit=limit + 1,
                                case_sources=CASE_SOURCES, **dob_filter(dob))
    hits = [person_hit(row) for row in rows[0]["hits"]]
    return hits[:limit], len(hits) > limit
