"""Family members' phone numbers from every system, each kept with its source and the date it was last updated."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from graph_loader.dates import BadDate, parse_date
from graph_loader.extract_reader import read_rows
from graph_loader.people import StandardRecord, record_key

if TYPE_CHECKING:
    from graph_loader.load import LoadReport
    from linkage.sources_config import SourcesConfig


def normalise_uk_phone(raw: str) -> str | None:
    """`+44 7700 900123`, `07700-900123`, `(0161) 496 0123` -> `07700900123`; None when it is not a UK number."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits if len(digits) in (10, 11) and digits.startswith("0") else None


def phone_rows(extracts: Path, cfg: "SourcesConfig", records: dict[str, StandardRecord],
               report: "LoadReport") -> list[dict]:
    spec = cfg.contact_numbers
    if spec is None or not (extracts / spec.file).is_file():
        return []
    rows = []
    for row_number, row in read_rows(extracts / spec.file, spec.required_columns()):
        key = record_key(row[spec.source].strip(), row[spec.record_id].strip())
        number = normalise_uk_phone(row[spec.phone])
        try:
            updated = parse_date(row[spec.updated_at], spec.updated_at)
        except BadDate as exc:
            report.quarantine_row("contact_numbers", spec.file, row_number, row[spec.record_id], str(exc))
            continue
        if key not in records:
            report.quarantine_row("contact_numbers", spec.file, row_number, row[spec.record_id],
                                  "number belongs to a record that is not linked to a person")
        elif number is None:
            report.quarantine_row("contact_numbers", spec.file, row_number, row[spec.record_id],
                                  f"column {spec.phone!r} is not a UK phone number")
        else:
            rows.append({"record_key": key, "number": number, "type": row.get("phone_type") or None,
                         "updated_at": updated})
    return rows
