"""Family members' phone numbers from every system, each kept with its source and the date it was last updated."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graph_loader.dates import BadDate, parse_date
from graph_loader.extract_reader import read_rows
from graph_loader.people import StandardRecord, record_key
from linkage.standardise import standardise_phone

if TYPE_CHECKING:
    from graph_loader.load import LoadReport
    from linkage.sources_config import SourcesConfig


def uk_phone(raw: str) -> str | None:
    """The number in national format (`07700 900123`), or None when it is not an 11-digit UK number."""
    number = standardise_phone(raw)
    return number if number.startswith("0") and len(number.replace(" ", "")) == 11 else None


def phone_rows(extracts: Path, cfg: "SourcesConfig", records: dict[str, StandardRecord],
               report: "LoadReport") -> list[dict]:
    spec = cfg.contact_numbers
    if spec is None or not (extracts / spec.file).is_file():
        return []
    rows = []
    for row_number, row in read_rows(extracts / spec.file, spec.required_columns()):
        key = record_key(row[spec.source].strip(), row[spec.record_id].strip())
        number = uk_phone(row[spec.phone])
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
