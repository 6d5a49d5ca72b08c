"""The sources file (`demo_town/sources.yaml`): which extract each source is and how its columns map to canonical fields.

Read by linkage (to standardise and match) and by the graph loader (to find each source's file and record-id column),
so it is a small typed module with no dependency on the rest of linkage.

    cfg = load_sources(Path("demo_town/sources.yaml"))
    cfg.source("lcs").file            -> "childrens_social_care.csv"
    cfg.source("lcs").record_id       -> ["lcs_id"]   (columns joined with "-" to make the record id)
    problems = check_extracts(cfg, Path("var/demo/extracts"))   # [] when every file and column is present
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

CANONICAL_NAME_FIELDS = ("first_name", "middle_name", "last_name", "alt_first_name")
IDENTIFIER_FIELDS = ("nhs_number", "upn", "lcs_id")
DEFAULT_SEX_MAP = {"m": "M", "male": "M", "1": "M", "f": "F", "female": "F", "2": "F"}


class SourceConfigError(ValueError):
    """The sources file or the extracts it names are not usable; the message names every file and column at fault."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if self.problems else "invalid sources configuration")


@dataclass(frozen=True)
class DateField:
    column: str
    formats: tuple[str, ...] = ()  # strptime formats tried in order; then common fallbacks


@dataclass(frozen=True)
class SexField:
    column: str
    values: dict[str, str] = field(default_factory=dict)  # raw value (case-insensitive) -> M/F/U


@dataclass(frozen=True)
class SourceConfig:
    """One person-bearing source extract."""

    name: str  # short source name used everywhere: lcs, las, synergy, ...
    system: str  # display name: "Liquidlogic LCS"
    file: str  # file name inside the extracts folder
    record_id: list[str]  # column(s) whose values (joined with "-") identify a row within the file
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    alt_first_name: str | None = None  # e.g. Synergy's preferred forename
    dob: DateField | None = None
    sex: SexField | None = None
    address: list[str] = field(default_factory=list)  # address line columns, joined with ", "
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)  # canonical identifier (nhs_number, upn, lcs_id) -> column
    trusted_identifiers: list[str] = field(default_factory=list)  # identifiers good enough for an exact link
    min_age: int | None = None  # nobody in this source can be younger today (tenants 16+, probation 18+)
    extra: dict[str, Any] = field(default_factory=dict)  # free-form settings for other consumers (graph loader)

    @property
    def record_id_column(self) -> str:
        """The single record-id column (the first one when several are joined)."""
        return self.record_id[0]

    def required_columns(self) -> list[str]:
        cols: list[str] = list(self.record_id)
        for attr in ("first_name", "middle_name", "last_name", "alt_first_name", "postcode", "phone", "email"):
            v = getattr(self, attr)
            if v:
                cols.append(v)
        if self.dob:
            cols.append(self.dob.column)
        if self.sex:
            cols.append(self.sex.column)
        cols.extend(self.address)
        cols.extend(self.identifiers.values())
        seen: dict[str, None] = {}
        for c in cols:
            seen.setdefault(c, None)
        return list(seen)


@dataclass(frozen=True)
class ContactNumbersConfig:
    """Optional file of phone numbers attached to source records (the most recent fills `phone`)."""

    file: str
    source: str = "source"
    record_id: str = "source_record_id"
    phone: str = "phone_number"
    updated_at: str = "updated_at"

    def required_columns(self) -> list[str]:
        return [self.source, self.record_id, self.phone, self.updated_at]


@dataclass(frozen=True)
class SourcesConfig:
    sources: list[SourceConfig]
    contact_numbers: ContactNumbersConfig | None = None
    path: Path | None = None

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(f"no source named {name!r} in {self.path}")

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sources]


_SOURCE_KEYS = {
    "name", "system", "file", "record_id", "first_name", "middle_name", "last_name", "alt_first_name", "dob", "sex",
    "address", "postcode", "phone", "email", "identifiers", "trusted_identifiers", "min_age", "extra",
}


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return [str(x) for x in v]


def _parse_source(raw: Any, where: str, problems: list[str]) -> SourceConfig | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: each source must be a mapping")
        return None
    unknown = sorted(set(raw) - _SOURCE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key in ("name", "system", "file", "record_id"):
        if not raw.get(key):
            problems.append(f"{where}: missing required key {key!r}")
    if problems and any(p.startswith(where) for p in problems):
        return None
    dob = raw.get("dob")
    dob_field = None
    if isinstance(dob, str):
        dob_field = DateField(column=dob)
    elif isinstance(dob, dict):
        formats = dob.get("formats", dob.get("format", []))
        dob_field = DateField(column=dob["column"], formats=tuple(_as_list(formats)))
    sex = raw.get("sex")
    sex_field = None
    if isinstance(sex, str):
        sex_field = SexField(column=sex)
    elif isinstance(sex, dict):
        values = {str(k).strip().lower(): str(v).strip().upper() for k, v in (sex.get("values") or {}).items()}
        bad = sorted({v for v in values.values() if v not in ("M", "F", "U")})
        if bad:
            problems.append(f"{where}: sex values must map to M, F or U (got {', '.join(bad)})")
        sex_field = SexField(column=sex["column"], values=values)
    identifiers = {str(k): str(v) for k, v in (raw.get("identifiers") or {}).items()}
    unknown_ids = sorted(set(identifiers) - set(IDENTIFIER_FIELDS))
    if unknown_ids:
        problems.append(f"{where}: unknown identifier(s) {', '.join(unknown_ids)} (known: {', '.join(IDENTIFIER_FIELDS)})")
    trusted = _as_list(raw.get("trusted_identifiers"))
    for t in trusted:
        if t not in identifiers:
            problems.append(f"{where}: trusted identifier {t!r} is not mapped under identifiers")
    return SourceConfig(
        name=str(raw["name"]),
        system=str(raw["system"]),
        file=str(raw["file"]),
        record_id=_as_list(raw["record_id"]),
        first_name=raw.get("first_name"),
        middle_name=raw.get("middle_name"),
        last_name=raw.get("last_name"),
        alt_first_name=raw.get("alt_first_name"),
        dob=dob_field,
        sex=sex_field,
        address=_as_list(raw.get("address")),
        postcode=raw.get("postcode"),
        phone=raw.get("phone"),
        email=raw.get("email"),
        identifiers=identifiers,
        trusted_identifiers=trusted,
        min_age=int(raw["min_age"]) if raw.get("min_age") is not None else None,
        extra=dict(raw.get("extra") or {}),
    )


def load_sources(path: Path | str) -> SourcesConfig:
    """Parse and validate the sources YAML. Raises SourceConfigError naming every problem."""
    path = Path(path)
    if not path.is_file():
        raise SourceConfigError([f"sources file not found: {path}"])
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceConfigError([f"{path}: not valid YAML: {exc}"]) from exc
    problems: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise SourceConfigError([f"{path}: expected a mapping with a 'sources' list"])
    sources: list[SourceConfig] = []
    for i, raw in enumerate(doc["sources"]):
        name = raw.get("name") if isinstance(raw, dict) else None
        s = _parse_source(raw, f"{path.name}: source {name or i}", problems)
        if s:
            sources.append(s)
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"{path.name}: duplicate source name(s) {', '.join(dupes)}")
    cn = doc.get("contact_numbers")
    contact = None
    if cn:
        if not isinstance(cn, dict) or not cn.get("file"):
            problems.append(f"{path.name}: contact_numbers needs a 'file'")
        else:
            contact = ContactNumbersConfig(**{k: str(v) for k, v in cn.items()})
    if problems:
        raise SourceConfigError(problems)
    return SourcesConfig(sources=sources, contact_numbers=contact, path=path)


ENCODING_CHECK_BLOCK = 1 << 22  # bytes decoded at a time: a 200 MB extract is checked without holding it in memory


def encoding_problem(path: Path | str, name: str | None = None) -> str | None:
    """None when the file is UTF-8 text (a byte-order mark is allowed); otherwise a message naming the file, the line
    and the byte offset of the first byte that is not UTF-8 -- never the bytes themselves (they may be personal data).

    Extracts saved as Latin-1 / Windows-1252 ("Jönes" as one byte 0xF6) are the usual cause."""
    path = Path(path)
    name = name or path.name
    offset = 0  # file offset of buf[0]
    lines_before = 0  # line breaks before buf[0]
    carry = b""
    with path.open("rb") as f:
        while True:
            block = f.read(ENCODING_CHECK_BLOCK)
            buf = carry + block
            if not buf:
                return None
            carry = b""
            try:
                buf.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.reason == "unexpected end of data" and block:
                    # a character split across two blocks: check it with the next block
                    carry, buf = buf[exc.start:], buf[:exc.start]
                else:
                    line = lines_before + buf.count(b"\n", 0, exc.start) + 1
                    return (f"{name}: not UTF-8 text at line {line} (byte {offset + exc.start}); "
                            "save the extract as UTF-8 (it looks like Latin-1/Windows-1252)")
            lines_before += buf.count(b"\n")
            offset += len(buf)
            if not block:
                return None


def read_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return [h.strip() for h in next(csv.reader(f), [])]


def check_extracts(cfg: SourcesConfig, extracts: Path | str) -> list[str]:
    """Every problem with the extracts folder against the config: missing files, files that are not UTF-8 (named
    with the line), missing columns (named). Reads every file once in full for the encoding check."""
    extracts = Path(extracts)
    problems: list[str] = []
    if not extracts.is_dir():
        return [f"extracts folder not found: {extracts}"]
    wanted: list[tuple[str, list[str]]] = [(s.file, s.required_columns()) for s in cfg.sources]
    if cfg.contact_numbers:
        wanted.append((cfg.contact_numbers.file, cfg.contact_numbers.required_columns()))
    for file, cols in wanted:
        p = extracts / file
        if not p.is_file():
            problems.append(f"missing file: {p}")
            continue
        bad_encoding = encoding_problem(p, file)
        if bad_encoding:
            problems.append(bad_encoding)
            continue
        header = read_header(p)
        for c in cols:
            if c not in header:
                problems.append(f"{file}: missing column {c!r}")
    return problems


def validate_extracts(cfg: SourcesConfig, extracts: Path | str) -> None:
    """Raise SourceConfigError if check_extracts finds anything."""
    problems = check_extracts(cfg, extracts)
    if problems:
        raise SourceConfigError(problems)
