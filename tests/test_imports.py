"""Every resolver and schema module can be imported first, on its own, in a fresh interpreter: a script or a test
that starts from `resolvers.person_page` must not depend on something else having imported `schema` before it
(the schema package once imported the resolvers at import time, and the cycle broke such imports)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from family_context.settings import PROJECT_ROOT

MODULES = sorted(
    ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
    for package in ("resolvers", "schema") for path in (PROJECT_ROOT / package).glob("*.py"))


def test_the_modules_are_found():
    assert {"resolvers.person_page", "schema", "schema.query"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_person_page_resolver_then_schema_builds() -> None:
    """The order bench/bench_api.py needs: a resolver first, then the whole schema."""
    code = "import resolvers.person_page\nfrom schema import build_schema\nassert 'linkReasons' in build_schema().as_str()"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_app_and_cli_import_without_deprecation_warnings() -> None:
    """`make demo` and every server start print nothing a deployer must wonder about: a library we use through a
    deprecated path (authlib over the unmaintained httpx printed `AuthlibDeprecationWarning` at every start) fails
    this, so the path is changed while the fix is small."""
    code = "import family_context.app, family_context.cli, family_context.auth.web, family_context.dev_idp.client"
    result = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
