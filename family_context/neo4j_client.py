"""One neo4j driver per Bolt address, and a clear error when the server is not there.

    from family_context.neo4j_client import get_driver, check_available, Neo4jUnavailable

    driver = get_driver(settings)          # cached per (uri, user, password); thread-safe
    check_available(settings)              # raises Neo4jUnavailable("... run `family-context neo4j start`")

The driver talks to `settings.neo4j_uri` (FC_NEO4J_URI, else bolt://127.0.0.1:FC_NEO4J_BOLT_PORT) with
`settings.neo4j_user` and `settings.neo4j_password` (FC_NEO4J_PASSWORD, else the password file the local server
generated). Use `driver.execute_query(...)` or `session.execute_read/execute_write` (driver 6.x).
"""
from __future__ import annotations

import atexit
import threading

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from family_context.settings import Settings

START_HINT = "Run `family-context neo4j start` (or `make bootstrap` first if the Neo4j jars are not fetched yet)."


class Neo4jUnavailable(RuntimeError):
    """Neo4j cannot be reached (not started, wrong address) or refused our credentials."""

    def __init__(self, uri: str, reason: str = "", hint: str = START_HINT) -> None:
        self.uri = uri
        self.reason = reason
        self.hint = hint
        detail = f" ({reason})" if reason else ""
        super().__init__(f"Neo4j is not reachable at {uri}{detail}. {hint}")


_drivers: dict[tuple[str, str, str], Driver] = {}
_lock = threading.Lock()


def _password(settings: Settings) -> str:
    try:
        return settings.neo4j_password
    except FileNotFoundError as exc:
        raise Neo4jUnavailable(
            settings.neo4j_uri,
            f"no password: FC_NEO4J_PASSWORD is not set and {settings.neo4j_password_file} does not exist",
        ) from exc


def get_driver(settings: Settings) -> Driver:
    """The shared driver for this address and credentials (created lazily; connecting happens on first use)."""
    password = _password(settings)
    key = (settings.neo4j_uri, settings.neo4j_user, password)
    with _lock:
        driver = _drivers.get(key)
        if driver is None:
            driver = GraphDatabase.driver(
                settings.neo4j_uri,
                auth=(settings.neo4j_user, password),
                connection_timeout=5.0,
                connection_acquisition_timeout=30.0,
                max_connection_pool_size=50,
                user_agent="family-context",
                # Schema warnings on an empty database ("label does not exist") are noise to an operator.
                notifications_min_severity="OFF",
            )
            _drivers[key] = driver
        return driver


def check_available(settings: Settings, timeout: float = 5.0) -> Driver:
    """Return the driver once Bolt answers with our credentials; else raise Neo4jUnavailable with what to do."""
    driver = get_driver(settings)
    try:
        driver.verify_connectivity()
    except AuthError as exc:
        raise Neo4jUnavailable(
            settings.neo4j_uri,
            "authentication failed",
            hint=f"Check FC_NEO4J_PASSWORD or the password file {settings.neo4j_password_file}.",
        ) from exc
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise Neo4jUnavailable(settings.neo4j_uri, type(exc).__name__) from exc
    return driver


def close_drivers() -> None:
    """Close every cached driver (tests call this after stopping a server; also run at exit)."""
    with _lock:
        drivers = list(_drivers.values())
        _drivers.clear()
    for driver in drivers:
        try:
            driver.close()
        except Exception:  # closing a driver whose server is gone must not raise
            pass


atexit.register(close_drivers)
