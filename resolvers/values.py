"""Small conversions from graph values to what the API shows."""
from __future__ import annotations

from datetime import date
from typing import Any

GENDERS = {"M": "Male", "F": "Female", "U": "Not known"}


def iso(value: Any) -> str | None:
    """Neo4j and Python dates as ISO 8601 text; None stays None."""
    if value is None:
        return None
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value.isoformat() if isinstance(value, date) else str(value)


def to_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.to_native() if hasattr(value, "to_native") else value


def age(dob: Any, today: date | None = None) -> int | None:
    born = to_date(dob)
    if born is None:
        return None
    today = today or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def gender(code: str | None) -> str | None:
    return GENDERS.get(code or "U", "Not known")
