"""GraphQL errors with a stable code a client can act on, and a message that names no personal data."""
from __future__ import annotations

from graphql import GraphQLError


def user_error(message: str, code: str = "BAD_USER_INPUT") -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def not_found(what: str) -> GraphQLError:
    return GraphQLError(f"No {what} with that id", extensions={"code": "NOT_FOUND"})
