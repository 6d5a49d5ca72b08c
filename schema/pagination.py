"""Relay-style cursor connections for integrators: opaque cursors, a maximum page size, clear errors."""
from __future__ import annotations

import base64
import binascii
from typing import Callable, Optional, Sequence, TypeVar

import strawberry

from schema.types import PersonHit

MAX_PAGE_SIZE = 100
CURSOR_PREFIX = "person:"
POSITION_PREFIX = "position:"


class PageInputError(ValueError):
    """A bad cursor or page size; the message says what is allowed."""


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: Optional[str]


@strawberry.type
class PersonHitEdge:
    cursor: str
    node: PersonHit


@strawberry.type(description="A page of people; ask for the next with `after: pageInfo.endCursor`.")
class PersonHitConnection:
    edges: list[PersonHitEdge]
    page_info: PageInfo


@strawberry.type
class PersonSearchEdge:
    cursor: str = strawberry.field(description="The hit's rank by relevance: `after` it come the hits ranked below.")
    node: PersonHit


@strawberry.type(description="A page of search hits: the best matches by relevance, listed youngest first; ask "
                             "for the next best with `after: pageInfo.endCursor`.")
class PersonSearchConnection:
    edges: list[PersonSearchEdge]
    page_info: PageInfo


def encode_cursor(person_id: str) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{person_id}".encode()).decode()


def _decoded(cursor: str, prefix: str) -> str:
    """What follows `prefix` in a cursor this API gave out; PageInputError for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise PageInputError("after is not a cursor this API gave out") from None
    if not text.startswith(prefix):
        raise PageInputError("after is not a cursor this API gave out")
    return text[len(prefix):]


def decode_cursor(cursor: Optional[str]) -> Optional[str]:
    return None if cursor is None else _decoded(cursor, CURSOR_PREFIX)


def encode_position(position: int) -> str:
    """The cursor of the list's `position`-th item (from 1), for lists paged by position."""
    return base64.urlsafe_b64encode(f"{POSITION_PREFIX}{position}".encode()).decode()


def decode_position(cursor: Optional[str]) -> int:
    """How many items come before the page that starts after `cursor` (0 without one)."""
    if cursor is None:
        return 0
    number = _decoded(cursor, POSITION_PREFIX)
    if not number.isdigit() or len(number) > 9:
        raise PageInputError("after is not a cursor this API gave out")
    return int(number)


def check_page_size(first: int, maximum: int = MAX_PAGE_SIZE) -> None:
    if not 1 <= first <= maximum:
        raise PageInputError(f"first must be between 1 and {maximum}")


def page_start(first: int, after: Optional[str], maximum: int = MAX_PAGE_SIZE) -> int:
    """How many items come before the page asked for; PageInputError for a bad `first` or `after`."""
    check_page_size(first, maximum)
    return decode_position(after)


Item = TypeVar("Item")
Edge = TypeVar("Edge")


def position_edges(items: Sequence[Item], skip: int, has_next_page: bool,
                   edge: Callable[..., Edge]) -> tuple[list[Edge], PageInfo]:
    """A page of a list paged by position: each item's edge carries its position in the whole list (from 1), so
    `after` any edge's cursor, or the page's endCursor, carries on from there."""
    edges = [edge(cursor=encode_position(skip + n), node=item) for n, item in enumerate(items, start=1)]
    end_cursor = encode_position(skip + len(items)) if items else None
    return edges, PageInfo(has_next_page=has_next_page, end_cursor=end_cursor)


def position_page(rows: Sequence[Item], skip: int, first: int,
                  edge: Callable[..., Edge]) -> tuple[list[Edge], PageInfo]:
    """`position_edges` for `rows` read one past the page: the extra one only says whether there is a next page."""
    return position_edges(rows[:first], skip, len(rows) > first, edge)


def connection(hits: list[PersonHit], first: int) -> PersonHitConnection:
    """`hits` holds up to first + 1 rows: the extra one only says whether there is a next page."""
    page = hits[:first]
    return PersonHitConnection(
        edges=[PersonHitEdge(cursor=encode_cursor(h.id), node=h) for h in page],
        page_info=PageInfo(has_next_page=len(hits) > first, end_cursor=encode_cursor(page[-1].id) if page else None),
    )
