"""Who is asking: a user (social worker, analyst, ...) or a client system (integrator), with roles and scopes.

Roles and scopes come from token claims through a configurable mapping, because identity providers name them
differently: Entra ID puts app roles in `roles` and delegated scopes in `scp`; Keycloak puts realm roles in
`realm_access.roles` and scopes in `scope`. Settings: FC_ROLE_CLAIM, FC_SCOPE_CLAIM, FC_TEAM_CLAIM, FC_NAME_CLAIM
(dotted paths) and FC_ROLE_MAP (a JSON object from the provider's role names to ours, e.g.
`{"FamilyContext.SocialWorker": "social_worker"}`). Role names nobody mapped are ignored, never guessed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from family_context.settings import Settings

ROLES = ("social_worker", "team_manager", "massh_analyst", "integrator", "ig_reviewer", "data_manager")

#: What each integrator scope lets a client system read (see schema/permissions.py for the field list).
SCOPES = {
    "people:read": "Identity: names, date of birth, case ids, addresses",
    "services:read": "Which services are involved and the lead practitioner's contact",
    "family:read": "Relationships and household members",
    "contacts:read": "Family members' contact numbers",
}


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    scopes: frozenset[str] = frozenset()
    name: str | None = None
    team: str | None = None
    client_id: str | None = None
    via: str = "bearer"  # "bearer" (Authorization header) or "session" (browser cookie)
    expires_at: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_client(self) -> bool:
        """A machine client (client credentials: the token's subject is the client itself)."""
        return self.client_id is not None and self.subject == self.client_id

    def as_session(self) -> dict[str, Any]:
        return {"sub": self.subject, "roles": sorted(self.roles), "scopes": sorted(self.scopes), "name": self.name,
                "team": self.team, "client_id": self.client_id, "exp": self.expires_at}

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> "Principal":
        return cls(subject=data["sub"], roles=frozenset(data.get("roles") or ()),
                   scopes=frozenset(data.get("scopes") or ()), name=data.get("name"), team=data.get("team"),
                   client_id=data.get("client_id"), via="session", expires_at=data.get("exp"))


def claim(claims: Mapping[str, Any], path: str) -> Any:
    """A claim by dotted path (`realm_access.roles`); a key that itself holds dots is tried first."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _words(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, (str, int))]
    return []


def role_map(settings: Settings) -> dict[str, str]:
    if not settings.role_map:
        return {}
    mapping = json.loads(settings.role_map)
    if not isinstance(mapping, dict) or not all(isinstance(v, str) and v in ROLES for v in mapping.values()):
        raise ValueError(f"FC_ROLE_MAP must be a JSON object whose values are among {', '.join(ROLES)}")
    return mapping


def principal_from_claims(claims: Mapping[str, Any], settings: Settings, via: str = "bearer") -> Principal:
    mapping = role_map(settings)
    roles = set()
    for name in _words(claim(claims, settings.role_claim)):
        mapped = mapping.get(name, name)
        if mapped in ROLES:
            roles.add(mapped)
    scopes = frozenset(s for s in _words(claim(claims, settings.scope_claim)) if s in SCOPES)
    client_id = claims.get("client_id") or claims.get("azp") or claims.get("appid")
    name = claim(claims, settings.name_claim) or claims.get("preferred_username")
    team = claim(claims, settings.team_claim)
    exp = claims.get("exp")
    return Principal(subject=str(claims["sub"]), roles=frozenset(roles), scopes=scopes,
                     name=str(name) if name else None, team=str(team) if team else None,
                     client_id=str(client_id) if client_id else None, via=via,
                     expires_at=int(exp) if isinstance(exp, (int, float)) else None)
