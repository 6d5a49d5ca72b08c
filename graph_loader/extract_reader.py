"""Streaming reads of extract CSVs, with errors that name the file, row and column."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Collection, Iterator


class ExtractError(ValueError):
    """An extract that cannot be read at all (missing file, missing column, undecodable bytes)."""


def read_rows(path: Path, required: list[str] | tuple[str, ...] = (),
              where: tuple[str, Collection[str]] | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row_number, row) with row_number counted as a spreadsheet would (the header is row 1).

    Rows are what `csv.DictReader` gives (blank lines skipped and not counted, missing cells "", cells beyond the
    header dropped), built only for the rows kept: with `where=(column, values)` only rows whose stripped `column`
    is one of `values` (a one-source refresh reads its own rows of the shared contact numbers file), numbered as
    in the whole file."""
    if not path.is_file():
        raise ExtractError(f"missing extract file: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, None) or []]
            missing = [c for c in required if c not in header]
            if missing:
                raise ExtractError(f"{path.name}: missing column(s) {', '.join(repr(c) for c in missing)}")
            pick = max((i for i, h in enumerate(header) if h == where[0]), default=None) if where else None
            width = len(header)
            row_number = 1
            for cells in reader:
                if not cells:
                    continue
                row_number += 1
                if where and ((cells[pick] if pick is not None and pick < len(cells) else "").strip()
                              not in where[1]):
                    continue
                row = dict(zip(header, cells))
                for name in header[len(cells):width]:
                    row[name] = ""
                yield row_number, row
    except UnicodeDecodeError as exc:
        raise ExtractError(f"{path.name}: not UTF-8 text near byte {exc.start}") from exc
