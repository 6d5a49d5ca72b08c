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


COUNTS_SOURCE = "contact_numbers"


def phone_rows(extracts: Path, cfg: "SourcesConfig", records: dict[str, StandardRecord],
               report: "LoadReport", only_sources: set[str] | None = None) -> list[dict]:
    """Numbers for loaded records (of `only_sources` when given); every row counted loaded or quarantined."""
    spec = cfg.contact_numbers
    if spec is None or not (extracts / spec.file).is_file():
        return []
    rows = []
    first_row: dict[tuple[str, str], int] = {}
    where = (spec.source, only_sources) if only_sources is not None else None
    for row_number, row in read_rows(extracts / spec.file, spec.required_columns(), where=where):
        source = row[spec.source].strip()
        report.seen(COUNTS_SOURCE)
        key = record_key(source, row[spec.record_id].strip())
        label = f"{source}:{row[spec.record_id].strip()}"
        number = uk_phone(row[spec.phone])
        try:
            updated = parse_date(row[spec.updated_at], spec.updated_at)
        except BadDate as exc:
            report.quarantine_row(COUNTS_SOURCE, spec.file, row_number, label, str(exc))
            continue
        if key not in records:
            report.quarantine_row(COUNTS_SOURCE, spec.file, row_number, label,
                                  "number belongs to a record that is not loaded (not linked, or quarantined)")
        elif number is None:
            report.quarantine_row(COUNTS_SOURCE, spec.file, row_number, label,
                                  f"column {spec.phone!r} is not a UK phone number")
        elif updated is not None and updated > records[key].extracted_at:
            report.quarantine_row(COUNTS_SOURCE, spec.file, row_number, label,
                                  f"impossible date: {spec.updated_at!r} is after the record's extract date")
        elif (key, number) in first_row:
            report.quarantine_row(COUNTS_SOURCE, spec.file, row_number, label,
                                  f"duplicate of row {first_row[(key, number)]} (same record, same number)")
        else:
            first_row[(key, number)] = row_number
            report.loaded(COUNTS_SOURCE)
            rows.append({"record_key": key, "number": number, "type": row.get("phone_type") or None,
                         "updated_at": updated})
    return rows
