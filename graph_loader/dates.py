"""Dates as the source systems write them, read into `datetime.date`."""
from __future__ import annotations

import re
from datetime import date, datetime

_DAY_MONTH_YEAR = re.compile(r"(\d\d)/(\d\d)/(\d{4})", re.ASCII)
_DAY_MON_YEAR = re.compile(r"(\d\d)-([A-Za-z]{3})-(\d{4})", re.ASCII)
# strptime's %b in the C locale Python runs in (it never sets LC_TIME), matched case-insensitively as %b is.
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

# Every format the demo town's systems use (docs/extracts.md); a council's own formats can be added here.
KNOWN_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%Y%m%d")


class BadDate(ValueError):
    """A value that is not a date in any known format; the message names the value's column, not the value."""


def parse_date(value: str | None, column: str) -> date | None:
    """Blank -> None; a date in a known format -> date; anything else -> BadDate naming the column."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        # ISO and dd/mm/yyyy (what linkage and most systems write) without strptime, ~20x slower, which matters
        # for the millions of dates a large town's load parses; anything these reject goes through the formats.
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    elif (dmy := _DAY_MONTH_YEAR.fullmatch(text)) is not None:
        try:
            return date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
        except ValueError:
            pass
    elif (dmon := _DAY_MON_YEAR.fullmatch(text)) is not None and (month := _MONTHS.get(dmon[2].lower())):
        # dd-Mon-yyyy (education's dates, a million of them in a large town) without strptime too.
        try:
            return date(int(dmon[3]), month, int(dmon[1]))
        except ValueError:
            pass
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
