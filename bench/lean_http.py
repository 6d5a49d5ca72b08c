"""A load generator's HTTP/1.1 client that costs the machine as little as possible.

The benchmarks run the load generator on the same two cores as the app and Neo4j. httpx spent about 2 ms of CPU
per request -- as much as the app itself -- so it slowed the very thing it measured. This client keeps one
keep-alive connection per simulated client, sends a prepared POST, and reads the response by its Content-Length:
a few tenths of a millisecond per request. It speaks only what the app answers (HTTP/1.1 with Content-Length)
and is for benchmarks only.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any


class LeanConnection:
    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}",
                                                           "Content-Type": "application/json", **headers}.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post_json(self, path: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        """(status, body) of one POST; reconnects once if the server closed the kept-alive connection."""
        body = json.dumps(payload).encode()
        request = (f"POST {path} HTTP/1.1\r\n{self.head}Content-Length: {len(body)}\r\n\r\n").encode() + body
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(request)
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, bytes]:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        body = await self.reader.readexactly(int(headers.get(b"content-length", b"0")))
        if headers.get(b"connection") == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def graphql_ok(status: int, body: bytes) -> bool:
    """200 with data and no errors (the body is parsed only when it mentions errors at all)."""
    return status == 200 and (b'"errors"' not in body or not json.loads(body).get("errors"))
