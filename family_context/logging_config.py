"""Structured logs: one JSON object per line on stderr, with the request id, and no personal data.

    from family_context.logging_config import configure_logging
    configure_logging()            # `family-context serve` calls it; FC_LOG_FORMAT=text for a terminal, FC_LOG_LEVEL

What a line holds: `ts` (UTC), `level`, `logger`, `msg`, and the `extra` fields a call adds (the access log adds
request_id, method, path, status, ms, operation, codes). What never goes in: GraphQL query text or variables (they
carry names and dates of birth), query strings, cookies, tokens, exception messages from the driver (Cypher errors
can quote parameters). Exceptions are logged by type and the frames' file:line only, never their message.

Every message passes through `scrub`, which masks anything shaped like a bearer token, an email address, a phone
number, an NHS number or a date, as a last line of defence against a careless log call.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback
from datetime import datetime, timezone
from typing import Any

#: Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}

_SCRUB = [
    (re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer [token]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), "[jwt]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b"), "[number]"),  # NHS numbers and 10-digit phone numbers
    (re.compile(r"\b0\d{2,4}\s?\d{3,4}\s?\d{3,4}\b"), "[phone]"),
    (re.compile(r"\b(19|20)\d{2}-\d{2}-\d{2}\b(?!T)"), "[date]"),  # dates of birth; ISO timestamps are kept
    (re.compile(r"\b\d{1,2}/\d{1,2}/(19|20)\d{2}\b"), "[date]"),
]


def scrub(text: str) -> str:
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (int, float, bool)) or value is None else scrub(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            entry["exc_type"] = exc_type.__name__
            entry["exc_where"] = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in traceback.extract_tb(tb)][-5:]
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a terminal: the same fields, readable; messages scrubbed the same way; no exception text."""

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_"))
        when = datetime.fromtimestamp(record.created, timezone.utc).strftime("%H:%M:%S")
        line = f"{when} {record.levelname:<7} {record.name}: {scrub(record.getMessage())}"
        if record.exc_info and record.exc_info[0] is not None:
            line += f" [{record.exc_info[0].__name__}]"
        return f"{line} {scrub(extra)}".rstrip()


def configure_logging(level: str | None = None, fmt: str | None = None, stream: Any = None) -> None:
    """Route every logger (ours, uvicorn's, the Neo4j driver's) through one handler and formatter."""
    level = (level or os.environ.get("FC_LOG_LEVEL", "INFO")).upper()
    fmt = (fmt or os.environ.get("FC_LOG_FORMAT", "json")).lower()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's own access log repeats the query string; ours (family_context.access) does not.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # The driver logs each retry with the server's message; one line from us per failed request is enough.
    logging.getLogger("neo4j").setLevel(logging.ERROR)


#: The dict uvicorn.run(log_config=...) takes, so uvicorn does not install its own handlers over ours.
UVICORN_LOG_CONFIG: dict[str, Any] = {"version": 1, "disable_existing_loggers": False}
