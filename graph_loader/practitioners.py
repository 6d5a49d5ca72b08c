"""Practitioners: the lead contact for each involvement, with gaps filled from the staff directory.

Source systems often leave out a worker's email or phone; the staff directory has them. A value the source gives
wins (it is the one the service itself keeps), and the directory fills only what is missing.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from graph_loader.extract_reader import read_rows
from graph_loader.involvements import PractitionerRef

DIRECTORY_COLUMNS = ("name", "role", "team", "phone", "email")


# Cached: a town has a few hundred workers named on hundreds of thousands of involvements.
@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", name.lower()).strip()


@lru_cache(maxsize=1 << 16)
def _practitioner_id(name: str, role: str) -> str:
    # A name alone is not unique across services (two "J Smith"s), so the role is part of the identity.
    return "PR-" + hashlib.sha1(f"{name_key(name)}|{role.lower()}".encode()).hexdigest()[:12]


def practitioner_id(ref: PractitionerRef) -> str:
    return _practitioner_id(ref.name, ref.role or "")


def read_directory(path: Path) -> dict[str, dict[str, str]]:
    """Staff directory rows by normalised name; a missing directory just means no gaps get filled."""
    if not path.is_file():
        return {}
    directory: dict[str, dict[str, str]] = {}
    for _, row in read_rows(path, DIRECTORY_COLUMNS):
        directory.setdefault(name_key(row["name"]), row)
    return directory


def complete(ref: PractitionerRef, directory: dict[str, dict[str, str]]) -> dict[str, str | None]:
    entry = directory.get(name_key(ref.name), {})
    return {
        "id": practitioner_id(ref),
        "name": ref.name,
        "role": ref.role or entry.get("role") or None,
        "team": ref.team or entry.get("team") or None,
        "phone": ref.phone or entry.get("phone") or None,
        "email": ref.email or entry.get("email") or None,
    }
