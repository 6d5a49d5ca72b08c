"""The IG side of the schema (`permissionMatrix`, `auditEvents`, `accessPurposes`, `me`) and the schema extensions
that audit every operation, mask unexpected errors, and allow only the web client's own documents when asked to."""
from __future__ import annotations

import hashlib
import logging
import re
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Optional

import anyio
import strawberry
from graphql import GraphQLError
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from family_context.audit.collector import PURPOSES
from family_context.audit.store import AuditWriteError
from schema.permissions import matrix

log = logging.getLogger("family_context.graphql")


@strawberry.type(description="Who may read one field of the live schema, and why.")
class FieldPermission:
    type_name: str
    field_name: str
    roles: list[str]
    scopes: list[str] = strawberry.field(description="Integrators need one of these scopes.")
    purpose: str
    personal_data: bool
    condition: Optional[str] = strawberry.field(description="An extra condition on the field's arguments.")


@strawberry.type(description="A reason for looking at a person, recorded with every read of their details.")
class AccessPurpose:
    code: str
    label: str


@strawberry.type(description="The signed-in user or client (no personal data about families).")
class Me:
    name: Optional[str]
    roles: list[str]
    scopes: list[str]
    team: Optional[str]
    client: Optional[str]


@strawberry.type(name="AuditEvent", description="One audited read: who, whom (person ids), which fields (never "
                                                "values), when, why, the request id and the outcome.")
class AuditEventType:
    seq: int
    at: str
    request_id: str
    event: str = strawberry.field(description="search, results_shown, person_viewed, service_details_viewed, "
                                              "access_denied or audit_searched.")
    outcome: str
    actor: str
    actor_name: Optional[str]
    roles: list[str]
    client_id: Optional[str]
    team: Optional[str]
    via: Optional[str] = strawberry.field(description="bearer (a token) or session (the web client).")
    purpose: Optional[str]
    whom: list[str] = strawberry.field(description="Person ids (never names).")
    fields: list[str]
    operation: Optional[str]


@strawberry.type
class AuditEventPage:
    events: list[AuditEventType]
    next_after: Optional[int] = strawberry.field(description="Pass as `after` for the next (older) page.")


AUDIT_PAGE_MAX = 200


@strawberry.type
class SecurityQuery:
    @strawberry.field(description="Every field of the live schema with the roles and scopes that may read it.")
    def permission_matrix(self, info: Info) -> list[FieldPermission]:
        rows = matrix(info._raw_info.schema)
        return [FieldPermission(**{k: v for k, v in row.items() if k != "declared"}) for row in rows]

    @strawberry.field(description="Reasons for access a practitioner can give.")
    def access_purposes(self) -> list[AccessPurpose]:
        return [AccessPurpose(code=code, label=label) for code, label in PURPOSES.items()]

    @strawberry.field(description="The signed-in user or client.")
    def me(self, info: Info) -> Me:
        p = info.context["principal"]
        return Me(name=p.name, roles=sorted(p.roles), scopes=sorted(p.scopes), team=p.team, client=p.client_id)

    @strawberry.field(description="Search the audit trail, newest first. IG reviewers see everything; team managers "
                                  "see their own team's reads.")
    async def audit_events(self, info: Info, since: Optional[date] = None, until: Optional[date] = None,
                           actor: Optional[str] = None, person_id: Optional[strawberry.ID] = None,
                           event: Optional[str] = None, request_id: Optional[str] = None, first: int = 50,
                           after: Optional[int] = None) -> AuditEventPage:
        if not 1 <= first <= AUDIT_PAGE_MAX:
            raise GraphQLError(f"first must be between 1 and {AUDIT_PAGE_MAX}", extensions={"code": "BAD_USER_INPUT"})
        principal = info.context["principal"]
        team = None
        if "ig_reviewer" not in principal.roles:
            team = principal.team or "\x00no team"
        store = info.context["audit_store"]
        rows = await anyio.to_thread.run_sync(lambda: store.search(
            since=since.isoformat() if since else None,
            until=f"{until.isoformat()}T23:59:59.999" if until else None, actor=actor,
            person_id=str(person_id) if person_id else None, event=event, team=team, request_id=request_id,
            after=after, limit=first + 1))
        page = rows[:first]
        return AuditEventPage(events=[AuditEventType(**row) for row in page],
                              next_after=page[-1]["seq"] if len(rows) > first else None)


# --- extensions -----------------------------------------------------------------------------------------------

def _code_for(error: GraphQLError) -> tuple[str, str] | None:
    """(code, message) for an unexpected exception; None to keep the error as it is."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return None
    from family_context.ops.http import database_unavailable

    if database_unavailable(original):  # first: a pool's acquisition timeout is the database, not the question
        return "SERVICE_UNAVAILABLE", "The database is not available; try again shortly"
    name = type(original).__name__
    text = str(getattr(original, "code", "") or "")
    if "TransactionTimedOut" in text or "Timeout" in name or "TimedOut" in text:
        return "QUERY_TIMEOUT", "The question took too long to answer; narrow it and try again"
    return "INTERNAL_SERVER_ERROR", "Something went wrong; the error has been recorded with the request id"


class SecureErrors(SchemaExtension):
    """No stack traces or exception text reach the client (they could carry personal data): unexpected errors
    become a message and a code; every error gets `extensions.code` and the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context or {}
        request_id = context.get("request_id") if isinstance(context, dict) else None
        for error in self.execution_context.pre_execution_errors or []:  # parse and validation errors
            error.extensions = {**(error.extensions or {}), "code": (error.extensions or {}).get(
                "code", "GRAPHQL_VALIDATION_FAILED"), **({"requestId": request_id} if request_id else {})}
        if result is None or not getattr(result, "errors", None):
            return
        cleaned = []
        for error in result.errors:
            masked = _code_for(error)
            if masked is not None:
                code, message = masked
                log.error("request %s: %s in %s", request_id, type(error.original_error).__name__,
                          ".".join(str(p) for p in (error.path or [])) or "operation")
                error = GraphQLError(message, nodes=error.nodes, path=error.path, extensions={"code": code})
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_REQUEST")
            if request_id:
                extensions["requestId"] = request_id
            error.extensions = extensions
            cleaned.append(error)
        result.errors = cleaned


class AuditOperation(SchemaExtension):
    """Writes the request's audit events when the operation ends; if the audit cannot be written, nothing read is
    shown (no browsing without being recorded)."""

    async def on_execute(self) -> Any:  # type: ignore[override]
        yield
        context = self.execution_context.context
        if not isinstance(context, dict):
            return
        collector, store = context.get("audit"), context.get("audit_store")
        if collector is None or store is None:
            return
        result = self.execution_context.result
        events = collector.events()
        try:
            await store.append_async(events)
        except AuditWriteError:
            log.error("request %s: audit write failed; the result was withheld", context.get("request_id"))
            if isinstance(result, GraphQLExecutionResult):
                result.data = None
                result.errors = [GraphQLError("The audit trail cannot be written, so nothing can be shown",
                                              extensions={"code": "AUDIT_UNAVAILABLE"})]


_DOCUMENT = re.compile(r"`\s*((?:query|mutation)\s+[A-Za-z_][\w]*[^`]*)`", re.S)


def document_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def web_client_documents(static_dir: Path) -> frozenset[str]:
    """Hashes (whitespace-normalised) of the GraphQL documents the web client ships in its ES modules."""
    hashes = set()
    for path in sorted(static_dir.rglob("*.js")):
        for match in _DOCUMENT.finditer(path.read_text(encoding="utf-8")):
            hashes.add(document_hash(match.group(1)))
    return frozenset(hashes)


def persisted_documents_only(allowed: frozenset[str]) -> type[SchemaExtension]:
    """Browser-session requests may only run the web client's own documents (bearer clients are unaffected)."""

    class PersistedDocuments(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            context = self.execution_context.context
            principal = context.get("principal") if isinstance(context, dict) else None
            if principal is not None and principal.via == "session":
                text = self.execution_context.query or ""
                if document_hash(text) not in allowed:
                    raise GraphQLError("Only the web client's own queries are accepted from a browser session",
                                       extensions={"code": "PERSISTED_QUERY_REQUIRED"})
            yield

    return PersistedDocuments
