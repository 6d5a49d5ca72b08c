"""Field-level permissions: who may read each field, declared once here, enforced on every path to the field.

Every field of every type the API serves has a line in POLICY below (deny by default: a field without one is
refused to everyone, and tests/test_permissions.py fails until it is declared). `protect_schema(query_type)`
attaches a strawberry `PermissionExtension` with a `FieldAccess` permission to each field before the schema is
built; the permission carries the `@requiresRole(roles: [...], scopes: [...], purpose: "...")` schema directive,
so the exported SDL (schema/schema.graphql) shows the declaration next to each field, and `permissionMatrix`
lists it, generated from the live schema.

Because the check sits on the *type's* fields, it applies however the object was reached: `person`, a relative
through `relationships`, a `network` node, a `paths` result, `peopleAtAddress`, the paged `people` export.

Roles: a user with any listed role may read the field. Integrators (client credentials) also need one of the
listed scopes. A denied field resolves to a FORBIDDEN error naming the field (never a value), and the denial is
audited. Fields marked PUBLIC carry no personal data (source register, the matrix itself): any signed-in user.

Adding a field or type: add it to POLICY with the narrowest rule that serves its purpose; the matrix and SDL
follow. Root fields may add a condition on their arguments (e.g. `network` beyond depth 1 is for analysts).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import strawberry
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema.name_converter import NameConverter
from strawberry.schema_directive import Location
from strawberry.types import Info

from family_context.auth.principal import ROLES, Principal

PRACTITIONERS = ("social_worker", "team_manager", "massh_analyst")


@strawberry.schema_directive(locations=[Location.FIELD_DEFINITION], name="requiresRole",
                             description="Who may read this field: any of `roles`; integrators also need one of "
                                         "`scopes`. Everything else is refused (FORBIDDEN) and audited.")
class RequiresRole:
    roles: list[str]
    scopes: list[str]
    purpose: str


@dataclass(frozen=True)
class Rule:
    name: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    purpose: str = ""
    public: bool = False  # no personal data: any signed-in user; no per-field check at run time
    condition: Optional[Callable[[Principal, dict[str, Any]], bool]] = field(default=None, compare=False)
    condition_text: str = ""

    def allows(self, principal: Principal | None, arguments: dict[str, Any] | None = None) -> bool:
        if principal is None:
            return False
        if self.public:
            return bool(principal.roles)
        allowed = False
        for role in principal.roles:
            if role == "integrator":
                if "integrator" in self.roles and principal.scopes.intersection(self.scopes):
                    allowed = True
            elif role in self.roles:
                allowed = True
        if allowed and self.condition is not None:
            allowed = bool(self.condition(principal, arguments or {}))
        return allowed


IDENTITY = Rule("identity", PRACTITIONERS + ("data_manager", "integrator"), ("people:read",),
                "Identify the right person: names, date of birth, gender, case ids, addresses")
SERVICES = Rule("services", PRACTITIONERS + ("integrator",), ("services:read",),
                "Which services know the person, and whom to call")
FAMILY = Rule("family", PRACTITIONERS + ("integrator",), ("family:read",),
              "The family and household around the child")
CONTACTS = Rule("contacts", PRACTITIONERS + ("integrator",), ("contacts:read",),
                "Reach the family: phone numbers, most recent first")
ANALYSIS = Rule("analysis", ("massh_analyst", "team_manager"), (),
                "Relationship queries: who lives or lived at an address, shared addresses, adults of concern")
NETWORK = Rule("network", PRACTITIONERS + ("integrator",), ("family:read",),
               "The family network; beyond one step for MASSH analysts only",
               condition=lambda p, args: args.get("depth", 1) <= 1 or "massh_analyst" in p.roles,
               condition_text="depth > 1 needs massh_analyst")
EXPORT = Rule("export", ("data_manager", "integrator"), ("people:read",),
              "Paged export of identities for partner systems and data quality")
# Where a paged list goes on (hasNextPage, endCursor): whoever may read one of the paged lists.
PAGING = Rule("paging", tuple(dict.fromkeys(IDENTITY.roles + EXPORT.roles + ANALYSIS.roles)),
              tuple(dict.fromkeys(IDENTITY.scopes + EXPORT.scopes)),
              "Where a paged list (search hits, the export, people at an address, shared addresses, people of concern) "
              "goes on")
AUDIT = Rule("audit", ("ig_reviewer", "team_manager"), (),
             "Who read whom: IG reviewers see all, team managers their own team")
PUBLIC = Rule("public", ROLES, ("people:read", "services:read", "family:read", "contacts:read"),
              "Carries no personal data", public=True)
DENY = Rule("undeclared", (), (), "No declaration: refused to everyone")


def _fields(rule: Rule, names: str) -> dict[str, Rule]:
    return {name: rule for name in names.split()}


#: GraphQL type -> field -> rule. The single place a reviewer reads; the matrix and the SDL are generated from it.
POLICY: dict[str, dict[str, Rule]] = {
    "Query": {
        "searchPeople": IDENTITY, "person": IDENTITY, "teamAroundChild": SERVICES, "network": NETWORK,
        "paths": ANALYSIS, "peopleAtAddress": ANALYSIS, "sharedAddresses": ANALYSIS, "peopleOfConcern": ANALYSIS,
        "sources": PUBLIC, "people": EXPORT, "permissionMatrix": PUBLIC, "auditEvents": AUDIT,
        "accessPurposes": PUBLIC, "me": PUBLIC,
    },
    "PersonHit": _fields(IDENTITY, "id displayName dob age gender caseIds currentAddress sources"),
    "Person": {
        **_fields(IDENTITY, "id displayName firstName lastName dob age gender caseIds currentAddress addresses "
                            "records"),
        "services": SERVICES, "relationships": FAMILY, "contactNumbers": CONTACTS,
    },
    "Address": _fields(IDENTITY, "id line postcode mostRecent sources"),
    "SourceRecord": _fields(IDENTITY, "source system recordId matchProbability correctAsOf linkReasons"),
    # Why records were linked: record keys and comparison levels, no values; read by whoever reads the records.
    "LinkReason": _fields(IDENTITY, "otherSource otherRecordId method summary joined matchProbability matchWeight "
                                    "comparisons decidedBy decidedAt"),
    "LinkComparison": _fields(IDENTITY, "comparison level matchWeight effect"),
    "Service": _fields(SERVICES, "key name system status summary involvements correctAsOf coverageFrom coverageTo"),
    "Involvement": _fields(SERVICES, "kind status startDate endDate lastContact details leadPractitioner"),
    "Detail": _fields(SERVICES, "label value"),
    "Practitioner": _fields(SERVICES, "name role team phone email"),
    "Relationship": _fields(FAMILY, "type source person"),
    "ContactNumber": _fields(CONTACTS, "number type source updatedAt"),
    "TeamMember": _fields(SERVICES, "practitioner reasons"),
    "TeamReason": _fields(SERVICES, "person relationship service involvement"),
    "Network": _fields(NETWORK, "nodes edges truncated"),
    "NetworkNode": _fields(NETWORK, "id kind label age services"),
    "NetworkEdge": _fields(NETWORK, "source target type kind"),
    "Resident": _fields(ANALYSIS, "person livesThereNow recordedBy lastSeen"),
    "ResidentEdge": _fields(ANALYSIS, "cursor node"),
    "ResidentConnection": _fields(ANALYSIS, "edges pageInfo totalCount"),
    "SharedAddress": _fields(ANALYSIS, "addressId line postcode people"),
    "SharedAddressEdge": _fields(ANALYSIS, "cursor node"),
    "SharedAddressConnection": _fields(ANALYSIS, "edges pageInfo"),
    "PersonOfConcern": _fields(ANALYSIS, "person steps involvements"),
    "PersonOfConcernEdge": _fields(ANALYSIS, "cursor node"),
    "PersonOfConcernConnection": _fields(ANALYSIS, "edges pageInfo"),
    "SourceSystem": _fields(PUBLIC, "source system lastSynchronised extractedAt coverageFrom coverageTo rowsIn "
                                    "rowsLoaded rowsQuarantined"),
    "PageInfo": _fields(PAGING, "hasNextPage endCursor"),
    "PersonHitEdge": _fields(EXPORT, "cursor node"),
    "PersonHitConnection": _fields(EXPORT, "edges pageInfo"),
    "PersonSearchEdge": _fields(IDENTITY, "cursor node"),
    "PersonSearchConnection": _fields(IDENTITY, "edges pageInfo"),
    "FieldPermission": _fields(PUBLIC, "typeName fieldName roles scopes purpose personalData condition"),
    "AccessPurpose": _fields(PUBLIC, "code label"),
    "Me": _fields(PUBLIC, "name roles scopes team client"),
    "AuditEvent": _fields(AUDIT, "seq at requestId event outcome actor actorName roles clientId team via purpose "
                                 "whom fields operation"),
    "AuditEventPage": _fields(AUDIT, "events nextAfter"),
}

#: Types whose objects are people: reading any field of one records the person's id in the audit ("whom").
SUBJECT_TYPES: dict[str, Callable[[Any], Optional[str]]] = {
    "Person": lambda source: getattr(source, "id", None),
    "PersonHit": lambda source: getattr(source, "id", None),
    "NetworkNode": lambda source: getattr(source, "id", None) if getattr(source, "kind", "") == "Person" else None,
}
#: Types that hold service details (the fourth audit level).
SERVICE_TYPES = frozenset({"Service", "Involvement", "Detail", "Practitioner", "TeamMember", "TeamReason"})


def rule_for(type_name: str, field_name: str) -> Rule:
    return POLICY.get(type_name, {}).get(field_name, DENY)


class FieldAccess(BasePermission):
    """Allows the field when the request's principal satisfies the field's rule; reports each read and each
    denial to the request's audit collector (`info.context["audit"]`), with the person id, never a value."""

    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, type_name: str, field_name: str, rule: Rule) -> None:
        self.type_name = type_name
        self.field_name = field_name
        self.rule = rule
        self.subject_of = SUBJECT_TYPES.get(type_name)
        self.message = f"Your role may not read {type_name}.{field_name}"
        self._schema_directive = RequiresRole(roles=sorted(rule.roles), scopes=sorted(rule.scopes),
                                              purpose=rule.purpose)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        context = info.context
        # A field of an object that is not a person, with no arguments, gets the same answer and the same audit
        # entry for every object under one root field: decide it once per request and root (a person page
        # resolves hundreds of such fields; checking and auditing each was a third of the API's own time).
        # A person's fields are audited object by object (whom was read), so only the answer is remembered.
        memo_key = None
        if not kwargs and self.type_name != "Query" and isinstance(context, dict):
            path = info.path
            while path.prev is not None:
                path = path.prev
            memo_key = (self.type_name, self.field_name, path.key)
            known = context.setdefault("_field_access", {}).get(memo_key)
            if known is not None and self.subject_of is None:
                return known
        allowed = self.rule.allows(context.get("principal"), kwargs)
        audit = context.get("audit")
        if audit is not None:
            subject = self.subject_of(source) if self.subject_of is not None else None
            audit.field(info, self.type_name, self.field_name, subject, allowed,
                        arguments=kwargs if self.type_name == "Query" else None)
        if memo_key is not None:
            context["_field_access"][memo_key] = allowed
        return allowed


def _object_types(root: type) -> Iterable[Any]:
    """Every strawberry object type reachable from the root type's fields."""
    seen: dict[str, Any] = {}
    stack = [root]
    while stack:
        cls = stack.pop()
        definition = getattr(cls, "__strawberry_definition__", None)
        if definition is None or getattr(definition, "is_input", False) or definition.name in seen:
            continue
        seen[definition.name] = definition
        for f in definition.fields:
            inner = f.type
            while hasattr(inner, "of_type"):
                inner = inner.of_type
            if hasattr(inner, "resolve_type"):  # LazyType
                inner = inner.resolve_type()
            if hasattr(inner, "__strawberry_definition__"):
                stack.append(inner)
    return seen.values()


def protect_schema(query_type: type) -> None:
    """Attach a FieldAccess permission (and its @requiresRole directive) to every field reachable from the root.
    Idempotent: fields already protected are left alone."""
    names = NameConverter()
    for definition in _object_types(query_type):
        type_name = definition.name
        for f in definition.fields:
            if getattr(f, "_fc_protected", False):
                continue
            field_name = names.from_field(f)
            rule = rule_for(type_name, field_name)
            if rule.public:
                f.directives.append(RequiresRole(roles=sorted(rule.roles), scopes=[], purpose=rule.purpose))
            else:
                f.extensions.append(PermissionExtension([FieldAccess(type_name, field_name, rule)]))
            f._fc_protected = True  # type: ignore[attr-defined]


def matrix(graphql_schema: Any) -> list[dict[str, Any]]:
    """(type, field, roles, scopes, purpose) for every field of every object type the live schema serves."""
    rows = []
    for type_name, gql_type in sorted(graphql_schema.type_map.items()):
        if type_name.startswith("__") or not hasattr(gql_type, "fields") or gql_type.__class__.__name__ not in (
                "GraphQLObjectType",):
            continue
        for field_name in sorted(gql_type.fields):
            rule = rule_for(type_name, field_name)
            rows.append({"type_name": type_name, "field_name": field_name, "roles": sorted(rule.roles),
                         "scopes": [] if rule.public else sorted(rule.scopes), "purpose": rule.purpose,
                         "personal_data": not rule.public, "condition": rule.condition_text or None,
                         "declared": type_name in POLICY and field_name in POLICY[type_name]})
    return rows
