"""Every GraphQL document the web client ships (the ones production allow-lists) is valid against the live schema:
a renamed field or argument fails here, not in a user's browser."""
from __future__ import annotations

from graphql import parse, validate

from family_context.settings import PROJECT_ROOT
from schema import build_schema
from schema.security import _DOCUMENT

STATIC = PROJECT_ROOT / "web_client" / "static"


def test_every_web_client_document_is_valid_against_the_schema():
    schema = build_schema()._schema
    documents = {}
    for path in sorted(STATIC.rglob("*.js")):
        for match in _DOCUMENT.finditer(path.read_text(encoding="utf-8")):
            documents[f"{path.relative_to(STATIC)}: {match.group(1).split('(')[0].split('{')[0].strip()}"] = match.group(1)
    assert any("UsageReport" in k for k in documents) and any("DecideMatch" in k for k in documents)
    problems = {name: [e.message for e in validate(schema, parse(text))] for name, text in documents.items()}
    assert not {k: v for k, v in problems.items() if v}
