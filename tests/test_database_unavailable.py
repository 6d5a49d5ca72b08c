"""Which Neo4j failures make the API answer 503 + Retry-After ("try again shortly") rather than an internal error:
the errors a social worker would meet while Neo4j restarts or recovers after a crash."""
from __future__ import annotations

import pytest
from neo4j import exceptions

from family_context.ops.http import database_unavailable


def _server_error(code: str, message: str) -> Exception:
    """The exception the driver raises for a server failure with this status code (as it builds them itself)."""
    return exceptions.Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize("error", [
    exceptions.ServiceUnavailable("connection refused"),
    exceptions.SessionExpired("connection lost"),
    exceptions.ConnectionAcquisitionTimeoutError("no connection free"),
    _server_error("Neo.TransientError.General.DatabaseUnavailable", "The database is starting"),
    _server_error("Neo.ClientError.Procedure.ProcedureCallFailed", 'Index "person_names" is not online'),
], ids=["unreachable", "connection lost", "pool exhausted", "database starting", "index recovering"])
def test_restarting_or_recovering_neo4j_is_unavailable(error):
    assert database_unavailable(error)


@pytest.mark.parametrize("error", [
    _server_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "timed out"),
    _server_error("Neo.ClientError.Statement.SyntaxError", "bad"),
    ValueError("a bug of ours"),
    None,
], ids=["cypher timeout", "syntax error", "our bug", "no error"])
def test_other_failures_are_not_called_unavailable(error):
    assert not database_unavailable(error)
