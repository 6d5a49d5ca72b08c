"""The Strawberry GraphQL schema.

`build_schema(settings)` merges the root query types, protects every field with its declared permission
(schema/permissions.py: deny by default) and adds the hardening extensions (docs/security.md). New root query
types go in root_types(); every new field needs a line in schema/permissions.py POLICY.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import strawberry
from strawberry.extensions import (DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter,
                                   QueryDepthLimiter)
from strawberry.tools import merge_types

if TYPE_CHECKING:
    from family_context.settings import Settings


def root_types() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(root query types, root mutation types). Imported here, not at module level: the root types import the
    resolvers, and the resolvers import schema.types, which runs this package's __init__ -- importing a resolver
    first (a script, a test) would otherwise meet a half-initialised module."""
    from schema.analysis_query import AnalysisQuery
    from schema.operations import OperationsMutation, OperationsQuery
    from schema.query import Query as PersonQuery
    from schema.security import SecurityQuery

    return (PersonQuery, AnalysisQuery, SecurityQuery, OperationsQuery), (OperationsMutation,)

log = logging.getLogger("family_context.graphql")

MAX_DEPTH = 8
MAX_ALIASES = 15
MAX_TOKENS = 2000


def build_schema(settings: "Settings | None" = None, persisted_documents: frozenset[str] | None = None
                 ) -> strawberry.Schema:
    from family_context.ops.http import DatabaseUnavailable
    from schema.permissions import protect_schema
    from schema.security import AuditOperation, SecureErrors, persisted_documents_only

    root_queries, root_mutations = root_types()
    query = merge_types("Query", root_queries)
    protect_schema(query)
    mutation = merge_types("Mutation", root_mutations)
    protect_schema(mutation)
    extensions: list = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        AuditOperation,
        SecureErrors,
        DatabaseUnavailable,
    ]
    if settings is not None and settings.production:
        extensions.append(DisableIntrospection)
    if persisted_documents is not None:
        extensions.append(persisted_documents_only(persisted_documents))
    return SecureSchema(query=query, mutation=mutation, extensions=extensions)


class SecureSchema(strawberry.Schema):
    """Logs each GraphQL error as its code and path only: no message text, no stack trace, no variable values
    (they may hold personal data). Unexpected exceptions are logged by SecureErrors with the request id."""

    def process_errors(self, errors: list, execution_context: object = None) -> None:
        for error in errors:
            code = (error.extensions or {}).get("code", "UNKNOWN")
            log.info("graphql error %s at %s", code, ".".join(str(p) for p in (error.path or [])) or "-")
