"""Reading linkage's output files (clusters.csv, standardised_records.csv, explanations.csv) with DuckDB.

Why DuckDB rather than `csv.DictReader`: a 1,000,000-person town's linkage output is a few hundred MB; DuckDB parses
it on both cores in C++ and, for a one-source refresh, keeps only the rows of the people the refresh touches before
anything reaches Python, so a refresh no longer pays for every row of the town. Values come back exactly as
`graph_loader.extract_reader.read_rows` gives them: text, with an empty cell as "" (never None), in file order.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import duckdb

from graph_loader.extract_reader import ExtractError


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = true")
    return con


# The file's path is bound as the parameter; only these fixed options are SQL text.
SCAN = "read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"


def header(path: Path) -> list[str]:
    if not path.is_file():
        raise ExtractError(f"missing linkage output file: {path}")
    with _connect() as con:
        return [d[0] for d in con.execute(f"SELECT * FROM {SCAN} LIMIT 0", [str(path)]).description]


def _require(path: Path, columns: Iterable[str]) -> None:
    """A clear error naming the file and the columns it lacks."""
    names = header(path)
    missing = [c for c in columns if c not in names]
    if missing:
        raise ExtractError(f"{path.name}: missing column(s) {', '.join(repr(c) for c in missing)}")


def read_linked_rows(path: Path, columns: Iterable[str], people: set[str] | None = None,
                     people_column: str = "person_id") -> list[tuple[str, ...]]:
    """`columns` of every row (or of the rows whose `people_column` is one of `people`), in file order."""
    columns = list(columns)
    _require(path, columns + ([people_column] if people is not None else []))
    # Column names are checked against the file's header above and quoted; values only ever travel as parameters.
    select = ", ".join(f'coalesce("{c}", \'\')' for c in columns)
    with _connect() as con:
        if people is None:
            return con.execute(f"SELECT {select} FROM {SCAN}", [str(path)]).fetchall()
        con.execute("CREATE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS id", [sorted(people)])
        return con.execute(
            f"SELECT {select} FROM (SELECT *, row_number() OVER () AS n FROM {SCAN}) "
            f'WHERE "{people_column}" IN (SELECT id FROM wanted) ORDER BY n', [str(path)]).fetchall()


def people_with_sources(path: Path, sources: set[str]) -> set[str]:
    """The person ids of clusters.csv rows of these sources (whose people a one-source refresh touches)."""
    _require(path, ("source", "person_id"))
    with _connect() as con:
        rows = con.execute(f"SELECT DISTINCT person_id FROM {SCAN} WHERE source IN (SELECT unnest(?::VARCHAR[]))",
                           [str(path), sorted(sources)]).fetchall()
    return {pid for (pid,) in rows if pid is not None}


def address_pairs(linked: Path, people: set[str]) -> list[tuple[str, str]]:
    """The distinct (address, postcode) pairs, either one given, of the standardised records of `people`, sorted:
    only the pairs reach Python, not every record."""
    records = linked / "standardised_records.csv"
    _require(records, ("person_id", "address", "postcode"))
    with _connect() as con:
        con.execute("CREATE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS id", [sorted(people)])
        return [tuple(row) for row in con.execute(
            "SELECT DISTINCT coalesce(address, '') AS line, coalesce(postcode, '') AS code "
            f"FROM {SCAN} WHERE person_id IN (SELECT id FROM wanted) AND (line <> '' OR code <> '') "
            "ORDER BY line, code", [str(records)]).fetchall()]


RECORD_COLUMNS = ("source", "record_id", "person_id", "first_name", "last_name", "dob", "sex", "address", "postcode")


def linked_record_rows(linked: Path, people: set[str] | None = None) -> list[tuple[str, ...]]:
    """standardised_records.csv rows (RECORD_COLUMNS + clusters.csv's match_probability) of the records linkage
    linked to a person (a row of clusters.csv); of `people` only when given; in file order."""
    clusters, records = linked / "clusters.csv", linked / "standardised_records.csv"
    _require(clusters, ("source", "record_id", "match_probability"))
    _require(records, RECORD_COLUMNS)
    select = ", ".join(f'coalesce(s."{c}", \'\')' for c in RECORD_COLUMNS)
    where = "WHERE s.person_id IN (SELECT id FROM wanted)" if people is not None else ""
    with _connect() as con:
        if people is not None:
            con.execute("CREATE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS id", [sorted(people)])
        return con.execute(
            f"SELECT {select}, coalesce(c.match_probability, '') FROM "
            f"(SELECT *, row_number() OVER () AS n FROM {SCAN}) s "
            f"JOIN (SELECT source, record_id, match_probability FROM {SCAN}) c "
            f"ON c.source = s.source AND c.record_id = s.record_id {where} ORDER BY s.n",
            [str(records), str(clusters)]).fetchall()
