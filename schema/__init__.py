"""The Strawberry GraphQL schema."""
from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.analysis_query import AnalysisQuery
from schema.query import Query as PersonQuery


def build_schema() -> strawberry.Schema:
    query = merge_types("Query", (PersonQuery, AnalysisQuery))
    return strawberry.Schema(query=query)
