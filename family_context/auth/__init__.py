"""Sign-in and who-is-asking: bearer JWT validation, the OIDC web sign-in, sessions, CSRF and rate limits.

Other code reads the signed-in principal from the GraphQL context (`info.context["principal"]`) or from
`request.state.principal`; see docs/security.md.
"""
from family_context.auth.principal import ROLES, Principal

__all__ = ["ROLES", "Principal"]
