"""The Strawberry GraphQL schema.

`build_schema(settings)` merges the root query types, protects every field with its declared permission
(schema/permissions.py: deny by default) and adds the hardening extensions (docs/security.md). New root query
types go in root_types(); every new field needs a line in schema/permissions.py POLICY.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (AddValidationRules, DisableIntrospection, MaxTokensLimiter, ParserCache,
                                   ValidationCache)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
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
# Parsed and validated documents are cached (the web client sends the same few documents over and over: this
# halves the app's CPU per request); the limit rules are made once so that they are part of a stable cache key,
# and the caches are bounded so that unique query texts cannot grow memory.
LIMIT_RULES = (depth_rule(MAX_DEPTH, None, None), aliases_rule(MAX_ALIASES))
CACHE_SIZE = 256


def build_schema(settings: "Settings | None" = None, persisted_documents: frozenset[str] | None = None,
                 plain_objects: bool = True) -> strawberry.Schema:
    """`plain_objects=False` leaves every field to graphql-core (tests compare the two)."""
    from family_context.ops.http import DatabaseUnavailable
    from schema.fast_execution import PlainObjectExecutor, plain_fields
    from schema.permissions import protect_schema
    from schema.security import AuditOperation, SecureErrors, persisted_documents_only

    root_queries, root_mutations = root_types()
    query = merge_types("Query", root_queries)
    protect_schema(query)
    mutation = merge_types("Mutation", root_mutations)
    protect_schema(mutation)
    extensions: list = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(list(LIMIT_RULES)),
        lambda: CachedParse(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        AuditOperation,
        SecureErrors,
        DatabaseUnavailable,
    ]
    if settings is not None and settings.production:
        extensions.append(DisableIntrospection)
    if persisted_documents is not None:
        extensions.append(persisted_documents_only(persisted_documents))
    schema = SecureSchema(query=query, mutation=mutation, extensions=extensions,
                          execution_context_class=PlainObjectExecutor if plain_objects else None)
    PlainObjectExecutor.PLAIN = plain_fields(schema)
    return schema


class CachedParse(ParserCache):
    """Strawberry's parser cache, except that a document which does not parse is left to Strawberry's own parse:
    raised from this hook, the syntax error would skip the error handling that gives it a code."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLError:
            pass
        yield


class SecureSchema(strawberry.Schema):
    """Logs each GraphQL error as its code and path only: no message text, no stack trace, no variable values
    (they may hold personal data). Unexpected exceptions are logged by SecureErrors with the request id."""

    def process_errors(self, errors: list, execution_context: object = None) -> None:
        for error in errors:
            code = (error.extensions or {}).get("code", "UNKNOWN")
            log.info("graphql error %s at %s", code, ".".join(str(p) for p in (error.path or [])) or "-")
