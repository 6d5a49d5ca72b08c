"""The one way resolvers read the graph: a named query from `cypher/`, parameters, a timeout and metadata.

Every read goes through `GraphReader.read`, so each request's Cypher round trips can be counted (the person page
must cost a constant number however large the family), bounded by a timeout, and tagged with the request id that
the audit trail records.
"""
from __future__ import annotations

from typing import Any

from neo4j import READ_ACCESS, AsyncDriver, Query

from cypher import query

READ_TIMEOUT_SECONDS = 10.0


class GraphReader:
    def __init__(self, driver: AsyncDriver, request_id: str | None = None,
                 timeout: float = READ_TIMEOUT_SECONDS) -> None:
        self.driver = driver
        self.request_id = request_id
        self.timeout = timeout
        self.round_trips = 0

    async def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        metadata = {"app": "family-context", "query": name}
        if self.request_id:
            metadata["request_id"] = self.request_id
        self.round_trips += 1
        # An auto-commit read: RUN and PULL go in one write and one round trip, where a managed transaction adds
        # BEGIN and a COMMIT round trip -- on this machine each socket write costs about as much CPU as the
        # Cypher. A read that meets a transient error is not retried here: the API answers 503 with Retry-After.
        async with self.driver.session(default_access_mode=READ_ACCESS) as session:
            result = await session.run(Query(query(name), metadata=metadata, timeout=self.timeout), params)
            keys = result.keys()
            # Every query in cypher/ returns maps, lists and scalars (never a node): no Record.data() conversion.
            return [dict(zip(keys, values)) for values in await result.values()]
