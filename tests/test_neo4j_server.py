"""The real Neo4j Community server from the fetched jars: start, auth, idempotent start, status, stop, kill.

Runs a private instance in a temporary var dir on a free loopback port (never the developer's 7687).
"""
from __future__ import annotations

import os
import socket
import stat
import time
from pathlib import Path

import pytest

from family_context import neo4j_server
from family_context.settings import Settings
from tests.neo4j_fixture import free_port, neo4j_jars_present, running_neo4j

needs_jars = pytest.mark.skipif(not neo4j_jars_present(), reason="Neo4j jars not fetched: run `make bootstrap`")


def _said(capsys) -> str:
    return " ".join(capsys.readouterr().out.split())


def _jvms_for(home: Path) -> list[int]:
    """Pids of live Neo4j JVMs whose --home-dir is this home."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue
        if state != "Z" and f"--home-dir={home}".encode() in args and neo4j_server.ENTRY_POINT.encode() in args:
            pids.append(int(entry.name))
    return pids


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _verify(uri: str, user: str, password: str) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=(user, password), connection_timeout=5) as driver:
        driver.verify_connectivity()


def test_start_without_jars_says_make_bootstrap(tmp_path, capsys):
    settings = Settings(var_dir=tmp_path / "var", cache_dir=tmp_path / "empty-cache", neo4j_bolt_port=free_port())
    assert neo4j_server.start(settings) == 1
    assert "make bootstrap" in _said(capsys)
    assert not (tmp_path / "var" / "neo4j" / "run" / "neo4j.pid").exists()


def test_conf_is_loopback_only_with_auth(tmp_path):
    settings = Settings(var_dir=tmp_path, neo4j_bolt_port=17001, neo4j_pagecache="64m")
    conf = dict(
        line.split("=", 1) for line in neo4j_server.render_conf(settings).splitlines() if "=" in line
        and not line.startswith("#")
    )
    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == "127.0.0.1:17001"
    assert conf["server.http.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"
    assert conf["dbms.usage_report.enabled"] == "false"
    assert conf["server.memory.pagecache.size"] == "64m"
    assert conf["db.transaction.timeout"] == "30s"
    assert conf["server.directories.data"] == str(tmp_path / "neo4j" / "data")


def test_status_and_stop_handle_a_stale_pid_file(tmp_path, capsys):
    settings = Settings(var_dir=tmp_path, neo4j_bolt_port=free_port())
    pid_file = tmp_path / "neo4j" / "run" / "neo4j.pid"
    pid_file.parent.mkdir(parents=True)
    pid_file.write_text(f"{os.getpid()}\n")  # alive, but not a Neo4j JVM
    assert not neo4j_server.is_running(settings)
    assert neo4j_server.status(settings) == 3
    assert "not running" in _said(capsys)
    assert neo4j_server.stop(settings) == 0
    assert not pid_file.exists()


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """One var dir for this module's integration tests: the second test's start is a warm one."""
    return tmp_path_factory.mktemp("neo4j-var")


def _start_ok(settings: Settings, capsys) -> str:
    code = neo4j_server.start(settings, timeout=120)
    said = _said(capsys)
    assert code == 0, said
    return said


@pytest.mark.integration
@needs_jars
def test_lifecycle_start_auth_idempotent_status_kill_stop(var_dir, monkeypatch, capsys):
    # The environment overrides a second instance uses: FC_VAR_DIR and FC_NEO4J_BOLT_PORT.
    monkeypatch.setenv("FC_VAR_DIR", str(var_dir))
    monkeypatch.setenv("FC_NEO4J_BOLT_PORT", str(free_port()))
    monkeypatch.delenv("FC_NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("FC_NEO4J_URI", raising=False)
    settings = Settings(neo4j_heap="512m", neo4j_pagecache="128m")
    home = var_dir / "neo4j"
    assert settings.neo4j_home == home
    port = settings.neo4j_bolt_port
    try:
        began = time.monotonic()
        assert "Neo4j is up" in _start_ok(settings, capsys)
        first_start = time.monotonic() - began

        # The generated password: 0600, accepted; a wrong one refused (auth is on).
        password_file = settings.neo4j_password_file
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        password = password_file.read_text().strip()
        assert len(password) >= 20
        uri = f"bolt://127.0.0.1:{port}"
        assert settings.neo4j_uri == uri
        _verify(uri, settings.neo4j_user, password)
        from neo4j.exceptions import AuthError

        with pytest.raises(AuthError):
            _verify(uri, settings.neo4j_user, password + "-wrong")

        # The client module reaches it too; it really is Community 5.26 with APOC loaded.
        from family_context.neo4j_client import check_available

        driver = check_available(settings)
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions, edition RETURN *")
        assert records[0]["edition"] == "community"
        assert records[0]["versions"][0].startswith("5.26.")
        assert driver.execute_query("RETURN apoc.version() AS v").records[0]["v"].startswith("5.26.")
        driver.execute_query("CREATE (:Probe {n: 1})")

        (pid,) = _jvms_for(home)
        assert neo4j_server.is_running(settings)

        # A second start says so and does not start another JVM.
        assert "already running" in _start_ok(settings, capsys)
        assert _jvms_for(home) == [pid]
        assert neo4j_server.status(settings) == 0
        assert "running" in _said(capsys)

        # Fault: SIGKILL leaves a pid file naming a dead process; status and start cope, the data survives.
        assert neo4j_server.kill(settings) == 0
        assert not neo4j_server.is_running(settings)
        assert neo4j_server.status(settings) == 3
        (home / "run" / "neo4j.pid").write_text("999999\n")
        began = time.monotonic()
        assert "stale pid file" in _start_ok(settings, capsys)
        warm_start = time.monotonic() - began
        (pid,) = _jvms_for(home)
        from neo4j import GraphDatabase

        with GraphDatabase.driver(uri, auth=(settings.neo4j_user, password)) as fresh:
            assert fresh.execute_query("MATCH (p:Probe) RETURN count(p) AS c").records[0]["c"] == 1

        assert neo4j_server.stop(settings) == 0
        assert "stopped" in _said(capsys)
        assert _jvms_for(home) == []
        assert not _port_open(port)
        assert not neo4j_server.is_running(settings)
        assert neo4j_server.status(settings) == 3
        assert "not running" in _said(capsys)
        assert neo4j_server.stop(settings) == 0
        assert "not running" in _said(capsys)
        print(f"first start {first_start:.1f}s, start after a kill {warm_start:.1f}s")
    finally:
        neo4j_server.kill(settings)


@pytest.mark.integration
@needs_jars
def test_running_neo4j_helper_starts_and_always_stops(var_dir):
    port = free_port()
    with pytest.raises(KeyError):
        with running_neo4j(var_dir, port) as settings:
            assert settings.neo4j_bolt_port == port
            assert neo4j_server.status(settings) == 0
            home = settings.neo4j_home
            raise KeyError("the body fails: the server is stopped all the same")
    assert _jvms_for(home) == []
    assert not _port_open(port)


@pytest.mark.integration
@needs_jars
def test_start_warms_the_caches_and_says_what_it_read(var_dir, monkeypatch, capsys):
    # Neo4j Community has no page-cache warm-up of its own: after a restart the first refresh of a million-person
    # town ran 30 s slower. start reads the stores and indexes once after Bolt answers, and says so.
    monkeypatch.delenv("FC_NEO4J_WARM_UP", raising=False)
    # A test database is too small to be worth it (its start stays fast) ...
    with running_neo4j(var_dir):
        said = _said(capsys)
        assert "Neo4j is up" in said and "is small" in said and "Warmed" not in said, said
    # ... so the threshold comes down to show what a big one gets.
    monkeypatch.setattr(neo4j_server, "WARM_UP_MIN_STORE_BYTES", 0)
    with running_neo4j(var_dir) as settings:
        from family_context.neo4j_client import get_driver

        said = _said(capsys)
        assert "Neo4j is up" in said and "Warmed Neo4j's caches" in said, said
        driver = get_driver(settings)
        driver.execute_query("CREATE (:Published {id: 'graph', run: 'w'}), "
                             "(:Person {run: 'w', id: 'p1', dob: date('2015-01-02')})"
                             "-[:LIVES_AT {current: true}]->(:Address {run: 'w', id: 'a1'})")
        everything = driver.execute_query("MATCH (n) RETURN count(n) AS nodes, "
                                          "COUNT { MATCH ()-[r]->() } AS relationships").records[0]

        read = neo4j_server.warm_up(settings)
        assert read is not None
        assert (read["nodes"], read["relationships"]) == (everything["nodes"], everything["relationships"])
        assert read["properties"] >= 8 and read["index_entries"] == 3  # the person's (run, id) and dob, the address
        assert read["people_paths"] == 1  # the published generation's people, read as a refresh reads them
        assert f"read {read['nodes']:,} nodes" in _said(capsys)

    # FC_NEO4J_WARM_UP=0 turns it off (the benchmarks measure the cold case so).
    monkeypatch.setenv("FC_NEO4J_WARM_UP", "0")
    assert not neo4j_server._warm_up_wanted(settings)


def test_a_relative_var_folder_is_made_absolute(monkeypatch, tmp_path):
    # neo4j-admin and the server run with the Neo4j home as their working directory: a relative FC_VAR_DIR (a
    # benchmark's --work folder) once made the bulk import look for its CSV files under the home a second time.
    monkeypatch.chdir(tmp_path)
    settings = Settings(var_dir=Path("work") / "var", cache_dir=Path("cache"))
    assert settings.neo4j_home == tmp_path / "work" / "var" / "neo4j"
    assert settings.cache_dir == tmp_path / "cache"
