"""Analysts' relationship queries: networks, paths, addresses, and people of concern around a child."""
from __future__ import annotations

import calendar
from datetime import date
from typing import Iterable

from resolvers.graph_reader import GraphReader
from resolvers.person_page import CASE_SOURCES, RELATIONSHIP_LABELS, person_hit
from resolvers.values import age, iso
from schema.analysis_types import (ConcernType, Network, NetworkEdge, NetworkLink, NetworkNode, PersonOfConcern,
                                   Resident, SharedAddress)

MAX_DEPTH = 3
MAX_HOPS = 6
MAX_AGE = 130
NETWORK_NODE_LIMIT = 500
FAMILY_TYPES = "PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO"
# Each link kind adds fixed relationship types to the traversal: the only text that reaches APOC's filter.
LINK_TYPES = {NetworkLink.FAMILY: FAMILY_TYPES, NetworkLink.HOUSEHOLD: "MEMBER_OF", NetworkLink.ADDRESS: "LIVES_AT"}
LINK_LABELS = {NetworkLink.FAMILY: "+Person", NetworkLink.HOUSEHOLD: "+Household", NetworkLink.ADDRESS: "+Address"}


class AnalysisInputError(ValueError):
    """Input outside what the query allows; the message says the allowed range."""


def _filters(links: Iterable[NetworkLink]) -> tuple[str, str]:
    chosen = sorted(set(links) or {NetworkLink.FAMILY, NetworkLink.HOUSEHOLD}, key=lambda link: link.value)
    relationship_filter = "|".join(LINK_TYPES[link] for link in chosen)
    label_filter = "|".join(["+Person"] + [LINK_LABELS[link] for link in chosen if link != NetworkLink.FAMILY])
    return relationship_filter, label_filter


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise AnalysisInputError(f"{name} must be between {low} and {high}")


def _network(row: dict) -> tuple[list[NetworkNode], list[NetworkEdge]]:
    nodes = [NetworkNode(id=n["id"], kind=n["kind"], label=n["label"] if n["kind"] != "Address"
                         else f"{n['label']}, {n.get('postcode') or ''}".strip(", "),
                         age=age(n.get("dob")), services=sorted(n.get("services") or []))
             for n in row["nodes"]]
    edges = [NetworkEdge(source=e["source"], target=e["target"], type=e["type"], kind=e.get("kind"))
             for e in row["edges"]]
    return nodes, edges


async def network(graph: GraphReader, person_id: str, depth: int, links: list[NetworkLink]) -> Network | None:
    _check_range("depth", depth, 1, MAX_DEPTH)
    relationship_filter, label_filter = _filters(links)
    rows = await graph.read("api/network", id=person_id, depth=depth, relationship_filter=relationship_filter,
                            label_filter=label_filter, limit=NETWORK_NODE_LIMIT)
    if not rows:
        return None
    nodes, edges = _network(rows[0])
    return Network(nodes=nodes, edges=edges, truncated=len(nodes) >= NETWORK_NODE_LIMIT)


async def paths(graph: GraphReader, from_id: str, to_id: str, max_hops: int) -> list[Network]:
    _check_range("maxHops", max_hops, 1, MAX_HOPS)
    if from_id == to_id:
        raise AnalysisInputError("fromId and toId must be two different people")
    rows = await graph.read("api/paths", from_id=from_id, to_id=to_id, max_hops=max_hops, limit=10)
    return [Network(nodes=nodes, edges=edges, truncated=False) for nodes, edges in map(_network, rows)]


async def people_at_address(graph: GraphReader, address_id: str, seen_from: date | None, seen_to: date | None,
                            skip: int, limit: int) -> tuple[list[Resident], int]:
    """One page of the people recorded at an address (`limit` of them after the first `skip`), and how many in all."""
    rows = await graph.read("api/people_at_address", address_id=address_id, seen_from=seen_from, seen_to=seen_to,
                            skip=skip, limit=limit, case_sources=CASE_SOURCES)
    total = rows[0]["total"] if rows else 0
    return [Resident(person=person_hit(r), lives_there_now=bool(r["lives_there_now"]),
                     recorded_by=sorted(r["recorded_by"] or []), last_seen=iso(r["last_seen"]))
            for r in rows if r["id"] is not None], total


async def shared_addresses(graph: GraphReader, person_id: str, skip: int, limit: int) -> list[SharedAddress]:
    """`limit` of the addresses the person shares with others, after the first `skip`, in address id order."""
    rows = await graph.read("api/shared_addresses", id=person_id, skip=skip, limit=limit,
                            case_sources=CASE_SOURCES)
    return [SharedAddress(address_id=r["address"]["id"], line=r["address"]["line"], postcode=r["address"]["postcode"],
                          people=[person_hit(p) for p in r["people"]]) for r in rows]


def born_by(min_age: int, today: date | None = None) -> date:
    """The latest date of birth of someone aged `min_age` or over today (as `resolvers.values.age` counts)."""
    today = today or date.today()
    year = today.year - min_age
    # 29 February in a year without one: someone born on the 28th has had their birthday; on 1 March, not yet.
    day = today.day if (today.month, today.day) != (2, 29) or calendar.isleap(year) else 28
    return date(year, today.month, day)


async def people_of_concern(graph: GraphReader, person_id: str, depth: int, types: list[ConcernType],
                            min_age: int, skip: int, limit: int) -> list[PersonOfConcern]:
    """`limit` of the people of concern aged `min_age` or over (or of unknown age), after the first `skip`."""
    _check_range("depth", depth, 1, MAX_DEPTH)
    _check_range("minAge", min_age, 0, MAX_AGE)
    chosen = types or list(ConcernType)
    rows = await graph.read("api/people_of_concern", id=person_id, depth=depth,
                            relationship_filter=f"{FAMILY_TYPES}|MEMBER_OF|LIVES_AT", node_limit=NETWORK_NODE_LIMIT,
                            sources=[t.value for t in chosen], case_sources=CASE_SOURCES,
                            born_by=born_by(min_age), skip=skip, limit=limit)
    return [PersonOfConcern(person=person_hit(r), steps=r.get("steps"),
                            involvements=[f"{i['kind']} ({i['status']}, {i['source']})" for i in r["involvements"]])
            for r in rows]


def relationship_label(relation: dict) -> str:
    if relation["type"] == "SELF":
        return "This person"
    if relation["type"] == "HOUSEHOLD":
        return "Household member"
    return RELATIONSHIP_LABELS[(relation["type"], relation["outgoing"])](relation.get("kind"))
