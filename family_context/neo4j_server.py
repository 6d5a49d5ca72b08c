"""Run the real Neo4j Community server from the jars `make neo4j-jars` fetched from Maven Central.

No Docker and no tarball: the server's own entry point (`org.neo4j.server.CommunityEntryPoint`, what `bin/neo4j
console` and the official image end up running) is launched under Java 17 with `lib/*:plugins/*` on the classpath,
as a detached background process (its own session), with everything it writes under `settings.neo4j_home`:

    var/neo4j/conf/neo4j.conf     generated on every start from Settings (127.0.0.1 only, auth on)
    var/neo4j/data/ logs/ run/    the databases, logs (console.log = the JVM's stdout/stderr), pid file
    var/neo4j/password            the generated password (mode 0600), set with neo4j-admin before the first start

Once Bolt answers, start reads the stores and indexes once (`cypher/ops/warm_up.cypher`): Community edition has no
page-cache warm-up of its own, and a cold server made the first refresh after a restart 30 s slower at a million
people. Small databases skip it, FC_NEO4J_WARM_UP=0 turns it off.

Public functions (each returns a process exit code and prints what it did):

    start(settings, timeout=120.0, warm=True) -> int
                                            0 started (and caches warmed) or already running; 1 failed
    warm_up(settings) -> Optional[dict]     read the stores and indexes once (start does it); None if it failed
    stop(settings, timeout=60.0) -> int     0 stopped or was not running; 1 could not stop it
    status(settings) -> int                 0 running and answering; 1 running, Bolt not answering; 3 not running
    kill(settings) -> int                   SIGKILL (for fault tests); 0 killed or was not running
    is_running(settings) -> bool            our JVM is alive (pid file + /proc check)
    bolt_answers(settings, timeout=3.0) -> bool
    running_neo4j(var_dir, port, ...)       context manager for tests: start, yield Settings, finally stop
"""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

from rich.console import Console

from family_context.settings import Settings

console = Console(highlight=False, soft_wrap=True)

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminCommand"

# What the `neo4j` launcher adds to the JVM command line (bin/neo4j -> Bootloader), minus what needs Java 21.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]

# Transaction timeout applied to every transaction that does not ask for its own.
DEFAULT_TRANSACTION_TIMEOUT = "30s"

# The warm-up after a start reads the whole store, so it asks for its own timeout (the default above would cut it
# short at a million people). A store smaller than WARM_UP_MIN_STORE_BYTES is not warmed: its first queries read it
# from the OS's file cache in no time, and planning the warm-up query on a cold JVM would cost a test database's
# start seconds.
WARM_UP_TIMEOUT_SECONDS = 900.0
WARM_UP_MIN_STORE_BYTES = 256 * 1024 * 1024
# How many people the warm-up reads the way a refresh and the person page do (cypher/ops/warm_up_paths.cypher): enough
# for the JVM to compile those read paths, a tenth of the million-person town.
WARM_UP_PATH_PEOPLE = 100_000


# ----------------------------------------------------------------------------------------------------------- paths


def _home(settings: Settings) -> Path:
    return Path(settings.neo4j_home).absolute()


def _conf_dir(settings: Settings) -> Path:
    return _home(settings) / "conf"


def _pid_file(settings: Settings) -> Path:
    return _home(settings) / "run" / "neo4j.pid"


def _console_log(settings: Settings) -> Path:
    return _home(settings) / "logs" / "console.log"


def _java(settings: Settings) -> Path:
    return Path(settings.java_home) / "bin" / "java"


def _classpath(settings: Settings) -> str:
    # lib/ before plugins/ (the launcher puts plugins first): APOC core 5.26.5 bundles an old, unshaded
    # commons-lang3 that would shadow the 3.18 the server's commons-configuration2 needs (NoSuchMethodError at start).
    return f"{Path(settings.neo4j_lib_dir).absolute()}/*:{Path(settings.neo4j_plugins_dir).absolute()}/*"


def local_uri(settings: Settings) -> str:
    """The Bolt address of the server this module runs (loopback, whatever FC_NEO4J_URI says)."""
    return f"bolt://127.0.0.1:{settings.neo4j_bolt_port}"


def jars_present(settings: Settings) -> bool:
    lib = Path(settings.neo4j_lib_dir)
    return lib.is_dir() and any(lib.glob("neo4j-server-*.jar")) and any(lib.glob("neo4j-kernel-*.jar"))


def _apoc_present(settings: Settings) -> bool:
    plugins = Path(settings.neo4j_plugins_dir)
    return plugins.is_dir() and any(plugins.glob("apoc-*.jar"))


# ------------------------------------------------------------------------------------------------------ neo4j.conf


def render_conf(settings: Settings) -> str:
    """The whole neo4j.conf, generated from Settings (the file is rewritten on every start)."""
    home = _home(settings)
    port = settings.neo4j_bolt_port
    lines = [
        "# Generated by family_context.neo4j_server on every `family-context neo4j start`: edit Settings, not this.",
        "# Listen on loopback only.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.bolt.tls_level=DISABLED",
        "# No HTTP/HTTPS (Browser, Query API): the service talks Bolt only.",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "# No server-side routing connector (it would take another port).",
        "dbms.routing.enabled=false",
        "# Bolt's Netty event loops wait a 5 s quiet period each at shutdown (10 s per stop); 1 s is plenty here.",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=1",
        "",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "",
        "# Memory: the heap is passed to the JVM as -Xms/-Xmx (settings.neo4j_heap); these document it.",
        f"server.memory.heap.initial_size={settings.neo4j_heap}",
        f"server.memory.heap.max_size={settings.neo4j_heap}",
        f"server.memory.pagecache.size={settings.neo4j_pagecache}",
        *([f"db.memory.transaction.max={settings.neo4j_transaction_memory}"] if settings.neo4j_transaction_memory
          else []),
        "",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.import={home / 'import'}",
        f"server.directories.plugins={Path(settings.neo4j_plugins_dir).absolute()}",
        f"server.directories.lib={Path(settings.neo4j_lib_dir).absolute()}",
        "",
        f"db.transaction.timeout={DEFAULT_TRANSACTION_TIMEOUT}",
        "db.lock.acquisition.timeout=20s",
        "# Keep transaction logs small on a development machine.",
        "db.tx_log.rotation.retention_policy=2 files",
        "",
    ]
    if _apoc_present(settings):
        lines += [
            "# APOC core is in the plugins folder.",
            "dbms.security.procedures.unrestricted=apoc.*",
            "dbms.security.procedures.allowlist=apoc.*,db.*,dbms.*,gds.*",
            "",
        ]
    return "\n".join(lines)


def _prepare_home(settings: Settings) -> None:
    home = _home(settings)
    for sub in ("conf", "data", "logs", "run", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    conf = _conf_dir(settings) / "neo4j.conf"
    conf.write_text(render_conf(settings))


# -------------------------------------------------------------------------------------------------------- password


def _read_password(settings: Settings) -> Optional[str]:
    path = Path(settings.neo4j_password_file).absolute()
    if not path.exists():
        return None
    return path.read_text().strip() or None


def _database_initialised(settings: Settings) -> bool:
    data = _home(settings) / "data"
    return (data / "databases" / "system").exists() or (data / "dbms" / "auth.ini").exists()


def _write_password_file(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _base_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["JAVA_HOME"] = str(settings.java_home)
    env["NEO4J_HOME"] = str(_home(settings))
    env["NEO4J_CONF"] = str(_conf_dir(settings))
    return env


_ALPHABET = string.ascii_letters + string.digits


def _ensure_password(settings: Settings) -> Optional[str]:
    """The password, generating and setting one (neo4j-admin) before the very first start. None on failure."""
    existing = _read_password(settings)
    if existing:
        return existing
    path = Path(settings.neo4j_password_file)
    if _database_initialised(settings):
        console.print(
            f"[red]The database in {_home(settings) / 'data'} already exists but the password file {path} is "
            "missing.[/red] Restore the password file, or delete that data folder to start afresh."
        )
        return None
    # FC_NEO4J_PASSWORD, when set, becomes the initial password; otherwise a random one.
    # (Letters and digits only: a generated password starting with "-" would be read by neo4j-admin as an option.)
    password = os.environ.get("FC_NEO4J_PASSWORD") or "".join(secrets.choice(_ALPHABET) for _ in range(32))
    _write_password_file(path, password)
    cmd = [
        str(_java(settings)),
        "-cp",
        _classpath(settings),
        "-Xmx256m",
        "-Dfile.encoding=UTF-8",
        ADMIN_ENTRY_POINT,
        "dbms",
        "set-initial-password",
        "--",
        password,
    ]
    result = subprocess.run(
        cmd,
        cwd=_home(settings),
        env=_base_env(settings),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        path.unlink(missing_ok=True)
        console.print("[red]neo4j-admin dbms set-initial-password failed:[/red]")
        console.print((result.stdout + result.stderr).strip()[-2000:], markup=False)
        return None
    console.print(f"Generated the Neo4j password into {path} (mode 0600).")
    return password


# ------------------------------------------------------------------------------------------------------- processes


def _read_pid(settings: Settings) -> Optional[int]:
    try:
        return int(_pid_file(settings).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _reap(pid: int) -> None:
    """Collect the exit status if the JVM is our own child (tests start it in-process), so it leaves no zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _pid_is_our_neo4j(pid: int, settings: Settings) -> bool:
    """Alive, not a zombie, and really the Neo4j JVM of this home (not an unrelated process that reused the pid)."""
    _reap(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0] if ")" in stat else "?"
    if state in ("Z", "X"):
        return False
    args = [a.decode(errors="replace") for a in cmdline]
    return ENTRY_POINT in args and f"--home-dir={_home(settings)}" in args


def server_pid(settings: Settings) -> Optional[int]:
    """The process id of this settings' Neo4j when it runs (benchmarks read its CPU time), else None."""
    pid = _read_pid(settings)
    return pid if pid is not None and _pid_is_our_neo4j(pid, settings) else None


def is_running(settings: Settings) -> bool:
    """True while the Neo4j JVM named by the pid file is alive."""
    pid = _read_pid(settings)
    return pid is not None and _pid_is_our_neo4j(pid, settings)


def _port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def bolt_answers(settings: Settings, timeout: float = 3.0) -> bool:
    """Bolt accepts our credentials (the neo4j driver's verify_connectivity)."""
    password = _read_password(settings)
    if password is None:
        return False
    return _verify(settings, password, timeout) is None


def _verify(settings: Settings, password: str, timeout: float) -> Optional[Exception]:
    """None when Bolt answers with these credentials, else the exception."""
    from neo4j import GraphDatabase

    try:
        with GraphDatabase.driver(
            local_uri(settings),
            auth=(settings.neo4j_user, password),
            connection_timeout=timeout,
            connection_acquisition_timeout=timeout,
            max_connection_pool_size=1,
        ) as driver:
            driver.verify_connectivity()
        return None
    except Exception as exc:  # ServiceUnavailable while starting, AuthError on a wrong password, ...
        return exc


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_gone(pid: int, settings: Settings, timeout: float) -> bool:
    """Wait until the JVM has exited *and* its Bolt port is closed.

    After SIGKILL the thread-group leader turns zombie before the JVM's other threads are torn down and its
    sockets closed, so "not alive" alone is too early for a restart on the same port.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_is_our_neo4j(pid, settings):
        time.sleep(0.2)
    if _pid_is_our_neo4j(pid, settings):
        return False
    port_deadline = max(deadline, time.monotonic() + 5.0)
    while time.monotonic() < port_deadline and _port_open(settings.neo4j_bolt_port):
        _reap(pid)
        time.sleep(0.1)
    return True


def _jvm_command(settings: Settings) -> list[str]:
    home = _home(settings)
    return [
        str(_java(settings)),
        "-cp",
        _classpath(settings),
        f"-Xms{settings.neo4j_heap}",
        f"-Xmx{settings.neo4j_heap}",
        *JVM_FLAGS,
        ENTRY_POINT,
        f"--home-dir={home}",
        f"--config-dir={_conf_dir(settings)}",
        "--console-mode",
    ]


# ------------------------------------------------------------------------------------------------------- commands


def start(settings: Settings, timeout: float = 120.0, warm: bool = True) -> int:
    """Start Neo4j in the background and wait until Bolt answers. 0 when it is running (or already was).

    `warm=False` skips the cache and write warm-ups: the bulk import starts a database that has no indexes yet, on
    which the warm-ups' index reads would scan every node (at a million people they ran into their 15-minute
    timeout); it warms up itself once the migrations have built the indexes."""
    uri = local_uri(settings)
    if not jars_present(settings):
        console.print(
            f"[red]The Neo4j jars are missing from {settings.neo4j_lib_dir}.[/red] "
            "Run `make bootstrap` (or `make neo4j-jars`) first."
        )
        return 1
    java = _java(settings)
    if not java.exists():
        console.print(f"[red]No Java at {java}.[/red] Neo4j 5.26 needs Java 17 or 21 (set FC_JAVA_HOME).")
        return 1

    pid = _read_pid(settings)
    if pid is not None and _pid_is_our_neo4j(pid, settings):
        if bolt_answers(settings):
            console.print(f"Neo4j is already running (pid {pid}) and answering on {uri}.")
            return 0
        console.print(f"Neo4j is already running (pid {pid}); waiting for Bolt on {uri} ...")
        return _wait_for_bolt(settings, pid, None, timeout, started_here=False)
    if pid is not None:
        console.print(f"[yellow]Removing a stale pid file ({_pid_file(settings)}, pid {pid} is gone).[/yellow]")
        _pid_file(settings).unlink(missing_ok=True)

    if _port_open(settings.neo4j_bolt_port):
        console.print(
            f"[red]Port {settings.neo4j_bolt_port} on 127.0.0.1 is taken by another process.[/red] "
            "Stop it, or choose another port with FC_NEO4J_BOLT_PORT."
        )
        return 1

    _prepare_home(settings)
    password = _ensure_password(settings)
    if password is None:
        return 1

    log_path = _console_log(settings)
    began = time.monotonic()
    with open(log_path, "ab") as log:
        log.write(f"\n---- family-context neo4j start {time.strftime('%Y-%m-%d %H:%M:%S')} ----\n".encode())
        log.flush()
        proc = subprocess.Popen(
            _jvm_command(settings),
            cwd=_home(settings),
            env=_base_env(settings),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    _pid_file(settings).write_text(f"{proc.pid}\n")
    console.print(f"Starting Neo4j (pid {proc.pid}, Java 17, {uri}); log: {log_path}")
    code = _wait_for_bolt(settings, proc.pid, proc, timeout, started_here=True)
    if code == 0:
        console.print(f"[green]Neo4j is up[/green] on {uri} after {time.monotonic() - began:.1f}s.")
        if warm:
            warm_up_if_worth_it(settings)
    return code


def warm_up_if_worth_it(settings: Settings) -> None:
    """The start's warm-ups (caches, then the write paths), unless the store is small or FC_NEO4J_WARM_UP=0."""
    if _warm_up_wanted(settings):
        warm_up(settings)
        warm_up_writes(settings)


def _store_bytes(settings: Settings) -> int:
    """The size of the `neo4j` database's store and index files (not its transaction logs)."""
    store = _home(settings) / "data" / "databases" / "neo4j"
    return sum(path.stat().st_size for path in store.rglob("*") if path.is_file()) if store.is_dir() else 0


def _warm_up_wanted(settings: Settings) -> bool:
    """Whether start warms the caches: not for a small store, nor with FC_NEO4J_WARM_UP=0 (benchmarks measure the
    cold case with it)."""
    if os.environ.get("FC_NEO4J_WARM_UP", "1") == "0":
        return False
    size = _store_bytes(settings)
    if size < WARM_UP_MIN_STORE_BYTES:
        console.print(f"The database is small ({size / 2**20:,.0f} MiB): no cache warm-up needed.")
        return False
    return True


def warm_up(settings: Settings, timeout: float = WARM_UP_TIMEOUT_SECONDS) -> Optional[dict[str, int]]:
    """Read every node, relationship and range index once (`cypher/ops/warm_up.cypher`) so that they sit in Neo4j's
    page cache, then WARM_UP_PATH_PEOPLE people the way a refresh reads them (`cypher/ops/warm_up_paths.cypher`) so
    that the JVM compiles those paths, and say how long it took. What was read, or None when it failed.

    Why: Neo4j Community has no page-cache warm-up of its own; after a restart the first one-source refresh of the
    million-person town took 81.5 s against 52-54 s on a warm server, faulting the stores into the page cache a page
    at a time while the JVM was still compiling Neo4j's code (its compiler threads took 30-50 s of CPU on the 2
    cores). start waits for this (the server already answers meanwhile), so whatever runs after a start -- a
    refresh, a benchmark, the API's first users -- finds the stores in memory and those paths compiled. A failure
    only means a slower first query: it is reported, never fatal.
    """
    from neo4j import Query

    from cypher import query

    began = time.monotonic()
    try:
        with _local_driver(settings) as driver, \
                console.status("Warming Neo4j's caches (reading the stores and indexes once) ..."):
            stores, _, _ = driver.execute_query(Query(query("ops/warm_up"), timeout=timeout), routing_="r")
            paths, _, _ = driver.execute_query(Query(query("ops/warm_up_paths"), timeout=timeout),
                                               {"people": WARM_UP_PATH_PEOPLE}, routing_="r")
    except Exception as exc:  # a timeout, the server going away: the first queries will just be slower
        console.print(f"[yellow]Could not warm Neo4j's caches ({type(exc).__name__}: {exc}); the first queries "
                      "after this start will be slower.[/yellow]")
        return None
    read = {key: int(stores[0][key] or 0) for key in ("nodes", "relationships", "properties", "index_entries")}
    read["people_paths"] = int(paths[0]["people"] or 0)
    console.print(f"Warmed Neo4j's caches in {time.monotonic() - began:.1f}s: read {read['nodes']:,} nodes, "
                  f"{read['relationships']:,} relationships, their {read['properties']:,} properties and "
                  f"{read['index_entries']:,} index entries, and {read['people_paths']:,} people as a refresh "
                  "reads them.")
    return read


def warm_up_writes(settings: Settings, timeout: float = WARM_UP_TIMEOUT_SECONDS) -> Optional[dict[str, int]]:
    """Rehearse a refresh's switch on made-up data nobody sees, committed, so that the JVM compiles Neo4j's write
    paths now rather than during the first refresh (family_context/neo4j_write_warm_up.py says why and how). What
    each switch statement wrote, or None when it failed (reported, never fatal)."""
    from family_context.neo4j_write_warm_up import warm_up_writes as rehearse

    with console.status("Warming Neo4j's write paths (a refresh rehearsed on made-up data) ..."):
        return rehearse(lambda: _local_driver(settings), timeout, console.print)


def _local_driver(settings: Settings):
    """A driver of its own for the start's warm-ups, signed in as the service user (the app's is not made yet)."""
    from neo4j import GraphDatabase

    return GraphDatabase.driver(local_uri(settings), auth=(settings.neo4j_user, _read_password(settings) or ""))


def _wait_for_bolt(
    settings: Settings, pid: int, proc: Optional[subprocess.Popen], timeout: float, started_here: bool
) -> int:
    from neo4j.exceptions import AuthError

    password = _read_password(settings) or ""
    began = time.monotonic()
    deadline = began + timeout
    auth_refused_since: Optional[float] = None
    with console.status(f"Waiting for Bolt on {local_uri(settings)} ...") as spinner:
        while True:
            alive = (proc.poll() is None) if proc is not None else _pid_is_our_neo4j(pid, settings)
            if not alive:
                _pid_file(settings).unlink(missing_ok=True)
                console.print(f"[red]Neo4j exited during start-up.[/red] Last lines of {_console_log(settings)}:")
                console.print(_tail(_console_log(settings)), markup=False)
                return 1
            error = _verify(settings, password, timeout=2.0)
            if error is None:
                return 0
            if isinstance(error, AuthError):
                # A refused password is final, unless the server is still settling (give it a few seconds).
                auth_refused_since = auth_refused_since or time.monotonic()
            else:
                auth_refused_since = None
            if auth_refused_since is not None and time.monotonic() - auth_refused_since > 10:
                console.print(
                    f"[red]Neo4j refused the password in {settings.neo4j_password_file}.[/red] "
                    "Restore the right one, or stop Neo4j and delete its data folder to start afresh."
                )
                return 1
            elapsed = time.monotonic() - began
            if time.monotonic() >= deadline:
                console.print(f"[red]Bolt did not answer within {timeout:.0f}s[/red] ({type(error).__name__}: {error}).")
                console.print(f"Last lines of {_console_log(settings)}:")
                console.print(_tail(_console_log(settings)), markup=False)
                if started_here:
                    console.print("Stopping the half-started server.")
                    stop(settings)
                return 1
            spinner.update(f"Waiting for Bolt on {local_uri(settings)} ... {elapsed:.0f}s")
            time.sleep(0.5)


def stop(settings: Settings, timeout: float = 60.0) -> int:
    """SIGTERM, wait up to `timeout` seconds for a clean shutdown, then SIGKILL. 0 when it is not running."""
    pid = _read_pid(settings)
    if pid is None or not _pid_is_our_neo4j(pid, settings):
        if pid is not None:
            _pid_file(settings).unlink(missing_ok=True)
        console.print("Neo4j is not running.")
        return 0
    console.print(f"Stopping Neo4j (pid {pid}) ...")
    began = time.monotonic()
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    with console.status("Waiting for Neo4j to shut down ..."):
        gone = _wait_gone(pid, settings, timeout)
    if not gone:
        console.print(f"[yellow]Neo4j did not stop within {timeout:.0f}s; sending SIGKILL.[/yellow]")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        gone = _wait_gone(pid, settings, 10.0)
    if not gone:
        console.print(f"[red]Could not stop Neo4j (pid {pid}).[/red]")
        return 1
    _pid_file(settings).unlink(missing_ok=True)
    console.print(f"Neo4j stopped after {time.monotonic() - began:.1f}s.")
    return 0


def kill(settings: Settings) -> int:
    """SIGKILL the JVM with no clean shutdown (for fault-injection tests). 0 when it is gone."""
    pid = _read_pid(settings)
    if pid is None or not _pid_is_our_neo4j(pid, settings):
        console.print("Neo4j is not running.")
        return 0
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if not _wait_gone(pid, settings, 10.0):
        console.print(f"[red]Neo4j (pid {pid}) survived SIGKILL.[/red]")
        return 1
    _pid_file(settings).unlink(missing_ok=True)
    console.print(f"Neo4j (pid {pid}) killed.")
    return 0


def status(settings: Settings) -> int:
    """0 running and answering; 1 running but Bolt not answering (starting?); 3 not running."""
    uri = local_uri(settings)
    pid = _read_pid(settings)
    if pid is None or not _pid_is_our_neo4j(pid, settings):
        stale = " (stale pid file)" if pid is not None else ""
        console.print(f"Neo4j is not running{stale}.")
        return 3
    if bolt_answers(settings):
        console.print(f"[green]Neo4j is running[/green] (pid {pid}) and answering on {uri}.")
        return 0
    console.print(f"[yellow]Neo4j is running (pid {pid}) but Bolt on {uri} is not answering.[/yellow]")
    return 1


# ---------------------------------------------------------------------------------------------------- test helper


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_neo4j(
    var_dir: Path | str, port: Optional[int] = None, heap: str = "512m", pagecache: str = "128m",
    timeout: float = 120.0,
) -> Iterator[Settings]:
    """Start a private Neo4j under `var_dir` on `port` (a free one if None), yield its Settings, finally stop it.

    The Settings yielded work with `family_context.neo4j_client.get_driver(settings)`; the password is in
    `settings.neo4j_password_file` (settings.neo4j_password reads it unless FC_NEO4J_PASSWORD is set).
    """
    settings = Settings(
        var_dir=Path(var_dir), neo4j_bolt_port=port or free_port(), neo4j_heap=heap, neo4j_pagecache=pagecache
    )
    if start(settings, timeout=timeout) != 0:
        stop(settings)
        raise RuntimeError(f"Neo4j did not start under {settings.neo4j_home}; see {_console_log(settings)}")
    try:
        yield settings
    finally:
        stop(settings)


if __name__ == "__main__":  # python -m family_context.neo4j_server start|stop|status|kill
    command = sys.argv[1] if len(sys.argv) > 1 else "status"
    sys.exit({"start": start, "stop": stop, "status": status, "kill": kill}[command](Settings()))
