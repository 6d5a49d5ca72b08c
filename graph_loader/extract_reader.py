"""Streaming reads of extract CSVs, with errors that name the file, row and column."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator


class ExtractError(ValueError):
    """An extract that cannot be read at all (missing file, missing column, undecodable bytes)."""


def read_rows(path: Path, required: list[str] | tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row_number, row) with row_number counted as a spreadsheet would (the header is row 1)."""
    if not path.is_file():
        raise ExtractError(f"missing extract file: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise ExtractError(f"{path.name}: missing column(s) {', '.join(repr(c) for c in missing)}")
            reader.fieldnames = header
            for row_number, row in enumerate(reader, start=2):
                yield row_number, {k: (v or "") for k, v in row.items() if k is not None}
    except UnicodeDecodeError as exc:
        raise ExtractError(f"{path.name}: not UTF-8 text near byte {exc.start}") from exc
