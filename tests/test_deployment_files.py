"""docker-compose.yml, the Dockerfile and family_context/settings.py must agree (no Docker engine needed)."""
from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from family_context import settings as settings_module
from family_context.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _env_names_read_by_the_package() -> set[str]:
    """Every FC_* name that family_context reads (string constants in its modules)."""
    names: set[str] = set()
    for path in (PROJECT_ROOT / "family_context").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.update(re.findall(r"\bFC_[A-Z0-9_]+\b", node.value))
    return names


def _settings_env_names() -> set[str]:
    tree = ast.parse(Path(settings_module.__file__).read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str) and node.args[0].value.startswith("FC_")
    }


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def _published(service: dict) -> list[tuple[str, int]]:
    """(host part, container port) for each `ports:` entry."""
    out = []
    for entry in service.get("ports", []):
        parts = str(entry).split(":")
        out.append((":".join(parts[:-1]), int(parts[-1].split("/")[0])))
    return out


def test_settings_reads_the_names_this_test_relies_on():
    names = _settings_env_names()
    assert {"FC_MODE", "FC_HOST", "FC_PORT", "FC_NEO4J_URI", "FC_NEO4J_PASSWORD", "FC_NEO4J_USER"} <= names


def test_neo4j_service_is_the_pinned_community_line(compose):
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    env = _environment(neo4j)
    assert env["NEO4J_AUTH"].startswith("neo4j/${FC_NEO4J_PASSWORD")
    assert "apoc" in env["NEO4J_PLUGINS"]
    assert env["NEO4J_db_transaction_timeout"] == "30s"
    mounts = {str(v).split(":")[1] for v in neo4j["volumes"]}
    assert {"/data", "/logs"} <= mounts
    for name in ("neo4j-data", "neo4j-logs"):
        assert name in compose["volumes"]
    test = " ".join(neo4j["healthcheck"]["test"])
    assert "cypher-shell" in test or "7474" in test
    # Bolt, if published at all, only on the host's loopback.
    for host, port in _published(neo4j):
        assert host.startswith("127.0.0.1"), (host, port)


def test_neo4j_version_matches_the_jars_pinned_for_machines_without_docker(compose):
    pom = (PROJECT_ROOT / "infra" / "neo4j" / "pom.xml").read_text()
    version = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom).group(1)
    tag = compose["services"]["neo4j"]["image"].split(":")[1]
    assert tag == "5.26-community"
    assert version.startswith("5.26."), version


def test_app_service_environment_is_read_by_settings(compose):
    app = compose["services"]["family-context"]
    env = _environment(app)
    unknown = set(env) - _env_names_read_by_the_package()
    assert not unknown, f"compose sets variables the service never reads: {sorted(unknown)}"
    assert env["FC_MODE"] == "production"
    assert env["FC_HOST"] == "0.0.0.0"
    assert "FC_NEO4J_PASSWORD" in env
    # Production refuses to start without a real identity provider (Settings.issuer / web_client_secret).
    assert {"FC_OIDC_ISSUER", "FC_OIDC_CLIENT_SECRET"} <= set(env)


def test_app_port_is_the_default_and_is_published(compose, monkeypatch):
    monkeypatch.delenv("FC_PORT", raising=False)
    default_port = Settings().port  # what the app listens on when FC_PORT is not set
    app = compose["services"]["family-context"]
    port = int(_environment(app).get("FC_PORT", default_port))
    assert port == default_port
    assert port in [container for _, container in _published(app)]
    assert f"EXPOSE {port}" in DOCKERFILE.read_text()
    test = " ".join(app["healthcheck"]["test"])
    assert f"http://localhost:{port}/health" in test


def test_app_reaches_neo4j_over_bolt_on_the_service_name(compose):
    app = compose["services"]["family-context"]
    uri = urlparse(_environment(app)["FC_NEO4J_URI"])
    assert uri.scheme == "bolt"
    assert uri.hostname == "neo4j" and "neo4j" in compose["services"]
    assert uri.port == 7687
    # The container listens on Bolt's standard port (the one published / used by the healthcheck).
    neo4j = compose["services"]["neo4j"]
    assert uri.port in [container for _, container in _published(neo4j)]
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"


def test_dockerfile_builds_the_service(compose):
    text = DOCKERFILE.read_text()
    assert compose["services"]["family-context"]["build"]["dockerfile"] == "Dockerfile"
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    assert re.search(r"^RUN pip install .*\.", text, re.M)
    assert 'CMD ["family-context", "serve"]' in text
    assert re.search(r"^USER (?!root)\w+", text, re.M), "the service should not run as root"
    ignored = DOCKERIGNORE.read_text().split()
    for path in (".venv", ".cache", "var", ".git"):
        assert path in ignored
