"""Where things live and how to reach them, read once from the environment.

Every path the project writes to is under the ignored folders `.cache/` (downloads) and `var/` (state), so a fresh
clone is clean and a second run reuses what the first installed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    mode: str = field(default_factory=lambda: _env("FC_MODE", "development"))
    var_dir: Path = field(default_factory=lambda: Path(_env("FC_VAR_DIR", str(PROJECT_ROOT / "var"))))
    cache_dir: Path = field(default_factory=lambda: Path(_env("FC_CACHE_DIR", str(PROJECT_ROOT / ".cache"))))
    host: str = field(default_factory=lambda: _env("FC_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("FC_PORT", "8000")))
    neo4j_bolt_port: int = field(default_factory=lambda: int(_env("FC_NEO4J_BOLT_PORT", "7687")))
    neo4j_user: str = field(default_factory=lambda: _env("FC_NEO4J_USER", "neo4j"))
    neo4j_heap: str = field(default_factory=lambda: _env("FC_NEO4J_HEAP", "1g"))
    neo4j_pagecache: str = field(default_factory=lambda: _env("FC_NEO4J_PAGECACHE", "512m"))
    # The most memory one transaction may hold (db.memory.transaction.max); empty: Neo4j's default, no cap of its
    # own (all transactions together may hold 70 % of the heap).
    neo4j_transaction_memory: str = field(default_factory=lambda: _env("FC_NEO4J_TRANSACTION_MEMORY", ""))
    java_home: Path = field(
        default_factory=lambda: Path(_env("FC_JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"))
    )
    # Sign-in (docs/security.md). An empty issuer means the development identity provider on dev_idp_port.
    oidc_issuer: str = field(default_factory=lambda: _env("FC_OIDC_ISSUER", ""))
    oidc_client_id: str = field(default_factory=lambda: _env("FC_OIDC_CLIENT_ID", "family-context-web"))
    oidc_client_secret: str = field(default_factory=lambda: _env("FC_OIDC_CLIENT_SECRET", ""))
    api_audience: str = field(default_factory=lambda: _env("FC_API_AUDIENCE", "family-context-api"))
    # Where roles, scopes, team and display name sit in a token (dotted paths: Keycloak `realm_access.roles`,
    # Entra ID `roles` / `scp`), and how the identity provider's role names map to ours (JSON object).
    role_claim: str = field(default_factory=lambda: _env("FC_ROLE_CLAIM", "roles"))
    scope_claim: str = field(default_factory=lambda: _env("FC_SCOPE_CLAIM", "scope"))
    team_claim: str = field(default_factory=lambda: _env("FC_TEAM_CLAIM", "team"))
    name_claim: str = field(default_factory=lambda: _env("FC_NAME_CLAIM", "name"))
    role_map: str = field(default_factory=lambda: _env("FC_ROLE_MAP", ""))
    dev_idp_port: int = field(default_factory=lambda: int(_env("FC_DEV_IDP_PORT", "8001")))
    public_url: str = field(default_factory=lambda: _env("FC_PUBLIC_URL", ""))
    session_max_age: int = field(default_factory=lambda: int(_env("FC_SESSION_MAX_AGE", str(8 * 3600))))
    jwks_refetch_interval: float = field(default_factory=lambda: float(_env("FC_JWKS_REFETCH_INTERVAL", "5")))
    # Hardening (docs/security.md): requests per user per minute, and the longest a Cypher query may run.
    rate_limit_per_minute: int = field(default_factory=lambda: int(_env("FC_RATE_LIMIT_PER_MINUTE", "600")))
    cypher_timeout: float = field(default_factory=lambda: float(_env("FC_CYPHER_TIMEOUT", "10")))
    # Browser sessions may only run the web client's own GraphQL documents (default: on in production).
    persisted_documents_only: bool = field(
        default_factory=lambda: _env("FC_PERSISTED_DOCUMENTS_ONLY", "") == "1" or _env("FC_MODE", "") == "production")

    @property
    def production(self) -> bool:
        return self.mode == "production"

    def __post_init__(self) -> None:
        # Absolute folders: neo4j-admin and the server run with the Neo4j home as their working directory, so a
        # relative FC_VAR_DIR (or a benchmark's --work folder) would point somewhere else for them.
        object.__setattr__(self, "var_dir", Path(self.var_dir).absolute())
        object.__setattr__(self, "cache_dir", Path(self.cache_dir).absolute())

    @property
    def neo4j_uri(self) -> str:
        return os.environ.get("FC_NEO4J_URI", f"bolt://127.0.0.1:{self.neo4j_bolt_port}")

    @property
    def neo4j_home(self) -> Path:
        """The server's home: generated conf, data, logs, run files and the generated password."""
        return self.var_dir / "neo4j"

    @property
    def neo4j_lib_dir(self) -> Path:
        return self.cache_dir / "neo4j" / "lib"

    @property
    def neo4j_plugins_dir(self) -> Path:
        return self.cache_dir / "neo4j" / "plugins"

    @property
    def neo4j_password_file(self) -> Path:
        return self.neo4j_home / "password"

    @property
    def neo4j_password(self) -> str:
        explicit = os.environ.get("FC_NEO4J_PASSWORD")
        if explicit:
            return explicit
        return self.neo4j_password_file.read_text().strip()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def app_url(self) -> str:
        """The address browsers use (FC_PUBLIC_URL behind a proxy); sign-in redirects come back here."""
        return (self.public_url or self.base_url).rstrip("/")

    @property
    def dev_idp_url(self) -> str:
        return f"http://127.0.0.1:{self.dev_idp_port}"

    @property
    def issuer(self) -> str:
        """The OIDC issuer tokens must come from: FC_OIDC_ISSUER, else (development only) the dev IdP."""
        if self.oidc_issuer:
            return self.oidc_issuer.rstrip("/")
        if self.production:
            raise RuntimeError("FC_OIDC_ISSUER must be set in production (the development IdP never runs there)")
        return self.dev_idp_url

    @property
    def session_secret(self) -> str:
        """Signs the session cookie: FC_SESSION_SECRET (required in production), else one generated into var/."""
        explicit = os.environ.get("FC_SESSION_SECRET")
        if explicit:
            return explicit
        if self.production:
            raise RuntimeError("FC_SESSION_SECRET must be set in production")
        path = self.var_dir / "session_secret"
        if not path.exists():
            import secrets

            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    @property
    def web_client_secret(self) -> str:
        if self.oidc_client_secret:
            return self.oidc_client_secret
        if self.production:
            raise RuntimeError("FC_OIDC_CLIENT_SECRET must be set in production")
        return "dev-web-client-secret"


def get_settings() -> Settings:
    return Settings()
