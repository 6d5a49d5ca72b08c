"""The audit trail: who read whom, which fields (never values), when, why, with which request id and outcome.

    store = AuditStore(settings.var_dir / "audit" / "audit.sqlite3")   # append-only (triggers refuse changes)
    collector = AuditCollector(principal, request_id, purposes)          # one per GraphQL request
    events = collector.events()                                          # built when the operation ends
    store.append(events)

Four levels, as the first councils defined them, plus denials: `search` (criteria names), `results_shown`
(the people a result list showed), `person_viewed` (people whose details were read), `service_details_viewed`
(service involvements and practitioner contacts) and `access_denied`. One event per level per root field.
"""
from family_context.audit.collector import AuditCollector, AuditEvent
from family_context.audit.store import AuditStore, AuditWriteError

__all__ = ["AuditCollector", "AuditEvent", "AuditStore", "AuditWriteError"]
