"""The Strawberry GraphQL schema."""
from __future__ import annotations

import strawberry

from schema.query import Query


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query)
