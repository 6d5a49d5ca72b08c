"""The data-source register: each source system, when it was last synchronised, its coverage and row counts."""
from __future__ import annotations

from resolvers.graph_reader import GraphReader
from resolvers.person_page import CASE_SOURCES, person_hit
from resolvers.values import iso
from schema.analysis_types import SourceSystem
from schema.types import PersonHit


async def sources(graph: GraphReader) -> list[SourceSystem]:
    rows = await graph.read("api/sources")
    return [SourceSystem(
        source=r["source"]["source"], system=r["source"]["system"],
        last_synchronised=r["last_synchronised"].iso_format() if r["last_synchronised"] else None,
        extracted_at=iso(r["source"].get("extracted_at")), coverage_from=iso(r["source"].get("coverage_from")),
        coverage_to=iso(r["source"].get("coverage_to")), rows_in=r["source"].get("rows_in") or 0,
        rows_loaded=r["source"].get("rows_loaded") or 0, rows_quarantined=r["source"].get("rows_quarantined") or 0,
    ) for r in rows]


async def people_page(graph: GraphReader, after: str | None, first: int) -> list[PersonHit]:
    """Up to first + 1 people in id order after `after` (the extra one tells the caller a next page exists)."""
    rows = await graph.read("api/people_page_export", after=after, limit=first + 1, case_sources=CASE_SOURCES)
    return [person_hit(r) for r in rows]
