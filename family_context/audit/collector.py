"""Collects, during one GraphQL operation, which fields of which people were read or refused, then turns that into
audit events: one per level per root field. Only ids and field names are kept, never values."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

from family_context.auth.principal import Principal

#: Purposes a practitioner picks once per person per session (web client) or sends as X-Purpose (integrators).
PURPOSES = {
    "referral": "Deciding what to do with a new referral",
    "assessment": "Child and family assessment",
    "strategy_meeting": "Preparing a strategy meeting or section 47 enquiry",
    "allocated_case": "Work on an allocated case",
    "out_of_hours": "Out of hours emergency",
    "analysis": "MASSH analysis for a multi-agency decision",
    "data_quality": "Checking or correcting the data",
    "integration": "A partner system's agreed data share",
}
NOT_GIVEN = "not_given"
PAGING_ARGUMENTS = frozenset({"first", "after"})  # not search criteria

SEARCH_ROOTS = frozenset({"searchPeople"})
AUDIT_ROOTS = frozenset({"auditEvents"})
QUIET_ROOTS = frozenset({"permissionMatrix", "sources", "accessPurposes", "me", "__typename"})


@dataclass
class AuditEvent:
    event: str
    outcome: str
    request_id: str
    actor: str
    roles: frozenset[str]
    whom: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    operation: str | None = None
    purpose: str | None = None
    actor_name: str | None = None
    client_id: str | None = None
    team: str | None = None
    via: str | None = None
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="milliseconds"))


@dataclass
class _Root:
    field_name: str
    arguments: frozenset[str] = frozenset()
    person_fields: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    full_people: set[str] = field(default_factory=set)  # Person objects (a person page), not brief hits
    service_fields: set[str] = field(default_factory=set)
    service_people: set[str] = field(default_factory=set)
    other_fields: set[str] = field(default_factory=set)
    denied: set[str] = field(default_factory=set)
    denied_people: set[str] = field(default_factory=set)


class AuditCollector:
    def __init__(self, principal: Principal | None, request_id: str, purposes: Mapping[str, str] | None = None,
                 header_purpose: str | None = None) -> None:
        self.principal = principal
        self.request_id = request_id
        self.purposes = dict(purposes or {})
        self.header_purpose = header_purpose if header_purpose in PURPOSES else None
        self.roots: dict[str, _Root] = {}
        self.failed = False

    def _root(self, info: Any) -> tuple[str, _Root]:
        path = info.path
        while path.prev is not None:
            path = path.prev
        alias = str(path.key)
        root = self.roots.get(alias)
        if root is None:
            root = self.roots[alias] = _Root(field_name=info.field_name if info.path.prev is None else alias)
        return alias, root

    def field(self, info: Any, type_name: str, field_name: str, subject: str | None, allowed: bool,
              arguments: Mapping[str, Any] | None = None) -> None:
        _, root = self._root(info)
        qualified = f"{type_name}.{field_name}"
        if type_name == "Query":
            root.field_name = field_name
            if arguments:
                root.arguments = frozenset(k for k, v in arguments.items()
                                           if v not in (None, "", []) and k not in PAGING_ARGUMENTS)
        if not allowed:
            root.denied.add(qualified)
            if subject:
                root.denied_people.add(subject)
            return
        if type_name != "Query":
            self._read(root, type_name, (qualified,), subject)

    def fields_read(self, info: Any, type_name: str, qualified: frozenset[str], subject: str | None) -> None:
        """Several allowed fields ("Type.field") of one object read at once: the same record as calling
        `field` for each (schema/fast_execution.py completes plain objects this way)."""
        _, root = self._root(info)
        self._read(root, type_name, qualified, subject)

    @staticmethod
    def _read(root: _Root, type_name: str, qualified: Any, subject: str | None) -> None:
        from schema.permissions import SERVICE_TYPES  # noqa: PLC0415 (schema imports this module)

        if type_name in SERVICE_TYPES:
            root.service_fields.update(qualified)
        elif subject is not None:
            root.people.add(subject)
            root.person_fields.update(qualified)
            if type_name == "Person":
                root.full_people.add(subject)
                if "Person.services" in qualified:
                    root.service_people.add(subject)
        else:
            root.other_fields.update(qualified)

    def _purpose(self, whom: set[str]) -> str:
        for person_id in sorted(whom):
            if person_id in self.purposes:
                return self.purposes[person_id]
        return self.header_purpose or NOT_GIVEN

    def events(self, outcome_error: bool = False) -> list[AuditEvent]:
        p = self.principal
        base = dict(request_id=self.request_id, actor=p.subject if p else "anonymous",
                    roles=p.roles if p else frozenset(), actor_name=p.name if p else None,
                    client_id=p.client_id if p else None, team=p.team if p else None, via=p.via if p else None)
        events: list[AuditEvent] = []
        for root in self.roots.values():
            name = root.field_name
            if name in QUIET_ROOTS:
                continue
            outcome = "error" if outcome_error else ("partial" if root.denied else "ok")
            if f"Query.{name}" in root.denied:  # refused at the root: nothing was read
                events.append(AuditEvent("access_denied", "denied", operation=name, whom=frozenset(),
                                         fields=frozenset(root.denied), purpose=self.header_purpose or NOT_GIVEN,
                                         **base))
                continue
            if name in SEARCH_ROOTS:
                events.append(AuditEvent("search", outcome, operation=name, whom=frozenset(),
                                         fields=frozenset(f"criteria.{a}" for a in root.arguments),
                                         purpose=self.header_purpose or NOT_GIVEN, **base))
                events.append(AuditEvent("results_shown", outcome, operation=name, whom=frozenset(root.people),
                                         fields=frozenset(root.person_fields), purpose=self._purpose(root.people),
                                         **base))
            elif name in AUDIT_ROOTS:
                events.append(AuditEvent("audit_searched", outcome, operation=name,
                                         fields=frozenset(f"criteria.{a}" for a in root.arguments),
                                         purpose=NOT_GIVEN, **base))
            elif root.people or root.person_fields:
                events.append(AuditEvent("person_viewed", outcome, operation=name, whom=frozenset(root.people),
                                         fields=frozenset(root.person_fields | root.other_fields),
                                         purpose=self._purpose(root.full_people or root.people), **base))
            if root.service_fields:
                whom = root.service_people or root.full_people or root.people
                events.append(AuditEvent("service_details_viewed", outcome, operation=name, whom=frozenset(whom),
                                         fields=frozenset(root.service_fields), purpose=self._purpose(whom),
                                         **base))
            if root.denied:
                events.append(AuditEvent("access_denied", "denied", operation=name,
                                         whom=frozenset(root.denied_people), fields=frozenset(root.denied),
                                         purpose=self._purpose(root.denied_people), **base))
        return events
