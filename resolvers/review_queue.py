"""Resolvers for the data manager's match review queue (schema/operations.py `matchReviewQueue`, `decideMatch`).

The queue is read from the latest linkage run (family_context/ops/review.py); a decision is appended to the
decisions file every later linkage run applies (linkage/decisions.py). Every decision is audited as a
`link_decision` event naming both people *before* it is recorded: if the audit cannot be written, nothing is decided.
File work runs in a worker thread, never on the event loop.
"""
from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import anyio

from family_context.audit import AuditEvent, AuditWriteError
from family_context.ops import review
from linkage.decisions import Decision, DecisionError, record_decision
from resolvers.operations import var_dir

#: The two answers a data manager gives, as linkage/decisions.py words them.
VERDICTS = {"same": "same", "different": "different"}
REASON = "match review queue"


async def review_page(context: dict[str, Any], status: str, first: int, after: int) -> review.ReviewPage:
    folder = var_dir(context)
    return await anyio.to_thread.run_sync(lambda: review.page(folder, status, first, after))


async def decide(context: dict[str, Any], record_a: str, record_b: str, verdict: str
                 ) -> tuple[review.ReviewPair, Decision]:
    """Record "same person" / "not the same person" on a pair the latest run listed; return it with the decision."""
    if verdict not in VERDICTS:
        raise review.ReviewError("the decision must be same or different")
    folder = var_dir(context)
    principal = context["principal"]
    pair = await anyio.to_thread.run_sync(lambda: review.find_pair(folder, record_a, record_b))
    event = AuditEvent("link_decision", "ok", request_id=context.get("request_id") or "", actor=principal.subject,
                       roles=principal.roles, whom=frozenset({pair.person_a, pair.person_b}),
                       fields=frozenset({f"MatchReviewPair.decision:{VERDICTS[verdict]}"}), operation="decideMatch",
                       purpose="data_quality", actor_name=principal.name, client_id=principal.client_id,
                       team=principal.team, via=principal.via)
    try:
        await anyio.to_thread.run_sync(context["audit_store"].append, [event])
    except AuditWriteError:
        raise review.ReviewError("The audit trail cannot be written, so nothing was decided",
                                 "AUDIT_UNAVAILABLE") from None
    path = review.decisions_file(folder)
    try:
        made = await anyio.to_thread.run_sync(lambda: record_decision(
            path, VERDICTS[verdict], pair.key_a, pair.key_b, by=principal.name or principal.subject, reason=REASON))
    except (DecisionError, OSError) as exc:
        # The intent is already in the audit: say it did not happen (best effort; the caller gets the error anyway).
        failed = dataclasses.replace(event, outcome="error")
        with contextlib.suppress(AuditWriteError):
            await anyio.to_thread.run_sync(context["audit_store"].append, [failed])
        if isinstance(exc, OSError):
            raise review.ReviewError("The decision could not be saved; try again", "INTERNAL_SERVER_ERROR") from None
        raise review.ReviewError(str(exc)) from None
    return pair, made
