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
    java_home: Path = field(
        default_factory=lambda: Path(_env("FC_JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"))
    )

    @property
    def production(self) -> bool:
        return self.mode == "production"

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


def get_settings() -> Settings:
    return Settings()
