"""Dates as the source systems write them, read into `datetime.date`."""
from __future__ import annotations

from datetime import date, datetime

# Every format the demo town's systems use (docs/extracts.md); a council's own formats can be added here.
KNOWN_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%Y%m%d")


class BadDate(ValueError):
    """A value that is not a date in any known format; the message names the value's column, not the value."""


def parse_date(value: str | None, column: str) -> date | None:
    """Blank -> None; a date in a known format -> date; anything else -> BadDate naming the column."""
    text = (value or "").strip()
    if not text:
        return None
    for fmt in KNOWN_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadDate(f"column {column!r} is not a date in any known format")


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (clamped to the month's end), for "in the last 12 months" rules."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(dob: date | None, today: date) -> int | None:
    if dob is None:
        return None
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
