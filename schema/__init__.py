"""The Strawberry GraphQL schema.

`build_schema(settings)` merges the root query types, protects every field with its declared permission
(schema/permissions.py: deny by default) and adds the hardening extensions (docs/security.md). New root query
types go in ROOT_QUERIES; every new field needs a line in schema/permissions.py POLICY.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import strawberry
from strawberry.extensions import (DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter,
                                   QueryDepthLimiter)
from strawberry.tools import merge_types

from family_context.ops.http import DatabaseUnavailable
from schema.analysis_query import AnalysisQuery
from schema.operations import OperationsMutation, OperationsQuery
from schema.permissions import protect_schema
from schema.query import Query as PersonQuery
from schema.security import AuditOperation, SecureErrors, SecurityQuery, persisted_documents_only

if TYPE_CHECKING:
    from family_context.settings import Settings

ROOT_QUERIES = (PersonQuery, AnalysisQuery, SecurityQuery, OperationsQuery)
ROOT_MUTATIONS = (OperationsMutation,)

log = logging.getLogger("family_context.graphql")

MAX_DEPTH = 8
MAX_ALIASES = 15
MAX_TOKENS = 2000


def build_schema(settings: "Settings | None" = None, persisted_documents: frozenset[str] | None = None
                 ) -> strawberry.Schema:
    query = merge_types("Query", ROOT_QUERIES)
    protect_schema(query)
    mutation = merge_types("Mutation", ROOT_MUTATIONS)
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
