"""Standardisation of names, dates, sex, postcodes, phone numbers, addresses and identifiers.

Each value gets two forms where that matters: a *display* form (title-case names, tidy address, `SK1 3XE`) written to
standardised_records.csv, and a *match* form (lower-case ASCII, nicknames resolved) used by Splink.
All functions are pure and backend independent; `standardise_source` applies a source's mapping to a DataFrame.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from linkage.sources_config import DEFAULT_SEX_MAP, SourceConfig, SourceConfigError, encoding_problem

# ---------------------------------------------------------------------------------------------------------- names

TITLES = {"mr", "mrs", "miss", "ms", "mx", "dr", "master", "prof", "rev", "sir", "dame", "lady", "lord"}
NAME_SUFFIXES = {"jr", "jnr", "sr", "snr", "ii", "iii", "iv"}
NULL_NAMES = {"", "unknown", "not known", "notknown", "unk", "n/a", "na", "none", "null", "baby", "infant", "xxx",
              "x", "-", "?", "tbc", "nfa"}
SURNAME_PREFIXES = {"mc", "mac", "o", "de", "da", "di", "van", "von", "le", "la", "st", "du", "del", "della", "ap"}

# Common English nicknames -> canonical forename. Both sides of a comparison are mapped, so Bill ~ William ~ Will.
# Ambiguous short forms (Alex, Sam, Chris, Pat, Jo, Jack) are deliberately left alone.
_NICKNAMES_SRC = {
    "william": "bill billy will willy willie liam wills",
    "robert": "bob bobby rob robbie robby bert",
    "james": "jim jimmy jamie jimbo",
    "michael": "mike mick mickey micky mikey",
    "david": "dave davey davy",
    "thomas": "tom tommy",
    "anthony": "tony ant antony",
    "richard": "rick ricky dick rich richie",
    "edward": "ed eddie eddy ted teddy ned",
    "frederick": "fred freddie freddy",
    "henry": "harry hal hank",
    "charles": "charlie chas chuck",
    "john": "johnny jonny",
    "jonathan": "jon jonny",
    "joseph": "joe joey",
    "daniel": "dan danny",
    "matthew": "matt matty",
    "nicholas": "nick nicky",
    "stephen": "steve stevie",
    "steven": "steve stevie",
    "peter": "pete",
    "benjamin": "ben benny benji",
    "timothy": "tim timmy",
    "andrew": "andy drew",
    "gregory": "greg",
    "terence": "terry",
    "ronald": "ron ronnie",
    "donald": "don donny",
    "leonard": "len lenny leo",
    "kenneth": "ken kenny",
    "gerald": "gerry jerry",
    "joshua": "josh",
    "zachary": "zac zack zak",
    "oliver": "olly ollie",
    "alfred": "alf alfie",
    "samuel": "sammy",
    "nathaniel": "nat nate",
    "christopher": "kit",
    "elizabeth": "liz lizzie lizzy beth betty bess bessie eliza libby elsie",
    "margaret": "maggie meg peggy madge",
    "katherine": "kate katie kathy kath kat kay kitty",
    "catherine": "cathy cath",
    "susan": "sue susie suzy",
    "jennifer": "jenny jen jenna",
    "jessica": "jess jessie",
    "rebecca": "becky becca",
    "victoria": "vicky vicki vikki tori",
    "deborah": "debbie debs deb",
    "sandra": "sandy",
    "amanda": "mandy",
    "abigail": "abby abbie abi",
    "christine": "chrissie chrissy",
    "christina": "tina",
    "nicola": "nikki nicky",
    "patricia": "trish tricia patsy",
    "louise": "lou",
    "josephine": "jo josie",
    "jacqueline": "jackie",
    "samantha": "sammie",
    "alexandra": "lexie",
    "gemma": "gem",
    "natalie": "nat",
    "kimberley": "kim",
    "kimberly": "kim",
    "dorothy": "dot dotty",
    "helen": "nell nellie",
    "philip": "phil pip",
    "raymond": "ray",
    "pamela": "pam",
    "eleanor": "ellie elle nora",
    "charlotte": "lottie lotte",
    "isabella": "bella izzy issy",
    "isabelle": "izzy issy",
    "amelia": "millie",
    "francis": "frank frankie",
    "lawrence": "larry laurie",
    "douglas": "doug dougie",
    "gareth": "gaz",
    "barry": "baz",
    "sharon": "shaz",
    "caroline": "caz carol",
    "karen": "kaz",
    "jacqueline": "jackie jacqui",
    "stuart": "stu",
    "stewart": "stu",
    "florence": "flo florrie",
    "harriet": "hattie",
    "matilda": "tilly tillie",
    "theodore": "theo",
    "sebastian": "seb",
    "maximilian": "max",
}
# Short forms shared by a male and a female name: resolved by the record's sex, left alone when sex is unknown.
AMBIGUOUS_NICKNAMES: dict[str, dict[str, str]] = {
    "sam": {"M": "samuel", "F": "samantha"},
    "sammy": {"M": "samuel", "F": "samantha"},
    "alex": {"M": "alexander", "F": "alexandra"},
    "chris": {"M": "christopher", "F": "christine"},
    "charlie": {"M": "charles", "F": "charlotte"},
    "pat": {"M": "patrick", "F": "patricia"},
    "jo": {"F": "joanne"},
    "jess": {"F": "jessica"},
    "nicky": {"M": "nicholas", "F": "nicola"},
    "frankie": {"M": "francis", "F": "frances"},
    "billie": {"M": "william"},
    "danny": {"M": "daniel", "F": "danielle"},
    "dani": {"F": "danielle"},
    "ali": {"F": "alison"},
    "jackie": {"F": "jacqueline"},
    "bobbie": {"F": "roberta"},
}
NICKNAMES: dict[str, str] = {}
for canonical, nicks in _NICKNAMES_SRC.items():
    for n in nicks.split():
        NICKNAMES.setdefault(n, canonical)
# spelling variants that are the same name
for _amb in AMBIGUOUS_NICKNAMES:
    NICKNAMES.pop(_amb, None)
NICKNAMES.update({"catherine": "katherine", "kathryn": "katherine", "catharine": "katherine", "steven": "stephen",
                  "jon": "jonathan", "zachariah": "zachary", "nathaniel": "nathaniel", "kimberly": "kimberley"})


@lru_cache(maxsize=200_000)
def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def clean_text(value: object) -> str:
    """None/NaN -> "", collapse whitespace, strip."""
    if value is None:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return " ".join(str(value).split())


@lru_cache(maxsize=200_000)
def _name_tokens(value: object) -> tuple[str, ...]:
    """Lower-case ASCII tokens of a name; hyphens and apostrophes kept inside tokens."""
    s = strip_accents(clean_text(value)).lower()
    s = s.replace("\u2019", "'").replace("`", "'")
    s = re.sub(r"[^a-z'\- ]+", " ", s)  # digits and other punctuation go
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"-+", "-", s).strip("-' ")
    return tuple(t.strip("-'") for t in s.split() if t.strip("-'"))


def _is_null_name(tokens) -> bool:
    return not tokens or " ".join(tokens) in NULL_NAMES


@lru_cache(maxsize=200_000)
def display_name(value: object) -> str:
    """Tidy a name for display: 'o'BRIEN' -> "O'Brien", 'smith - jones' -> 'Smith-Jones', 'MCDONALD' -> 'McDonald'.

    Mixed-case input that already looks deliberate (e.g. 'MacLeod') is only whitespace-tidied.
    """
    raw = clean_text(value)
    raw = re.sub(r"\s*-\s*", "-", raw)
    if not raw:
        return ""
    letters = [c for c in raw if c.isalpha()]
    deliberate = letters and not all(c.isupper() for c in letters) and not all(c.islower() for c in letters)
    if deliberate and raw[0].isupper():
        return raw

    def cap_word(w: str) -> str:
        out = re.sub(r"(^|[\-' ])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), w.lower())
        out = re.sub(r"^Mc([a-z])", lambda m: "Mc" + m.group(1).upper(), out)
        out = re.sub(r"([\- ])Mc([a-z])", lambda m: m.group(1) + "Mc" + m.group(2).upper(), out)
        return out

    return cap_word(raw)


@dataclass(frozen=True)
class Name:
    first: str  # display
    middle: str  # display
    last: str  # display
    first_match: str  # canonical forename for matching ("" when none)
    last_match: str  # surname letters only ("smithjones")
    last_tokens: tuple[str, ...]  # surname parts for partial (double-barrelled) matches


def split_forenames(first: object, middle: object = None) -> tuple[str, str]:
    """Split 'Mr John Paul' into ('John', 'Paul') when there is no separate middle name column."""
    toks = clean_text(first).split(" ")
    toks = [t for t in toks if t and t.lower().strip(".") not in TITLES] if len(toks) > 1 else toks
    mid = clean_text(middle)
    if not toks or toks == [""]:
        return "", mid
    if len(toks) > 1 and not mid:
        return toks[0], " ".join(toks[1:])
    return " ".join(toks) if mid else toks[0], mid


@lru_cache(maxsize=200_000)
def canonical_forename(value: object, sex: str = "U") -> str:
    """Match key for a forename: first token, ASCII lower case, no punctuation, nickname resolved
    (a short form shared by a male and a female name, such as Sam, by the record's sex M/F)."""
    toks = [t for t in _name_tokens(value) if t not in TITLES]
    if _is_null_name(toks):
        return ""
    tok = re.sub(r"[^a-z]", "", toks[0])
    if tok in AMBIGUOUS_NICKNAMES:
        options = AMBIGUOUS_NICKNAMES[tok]
        if len(options) == 1:  # only one long form is common (Jackie -> Jacqueline): use it whatever the sex
            return next(iter(options.values()))
        return options.get(sex, tok)
    return NICKNAMES.get(tok, tok)


@lru_cache(maxsize=200_000)
def forename_token(value: object) -> str:
    """First forename token, ASCII lower case, *without* nickname resolution ('Josie' -> 'josie')."""
    toks = [t for t in _name_tokens(value) if t not in TITLES]
    return "" if _is_null_name(toks) else re.sub(r"[^a-z]", "", toks[0])


@lru_cache(maxsize=200_000)
def surname_key(value: object) -> tuple[str, tuple[str, ...]]:
    """('smithjones', ('smith', 'jones')) for 'Smith-Jones'; prefixes joined: 'Mc Donald' -> ('mcdonald', ('mcdonald',))."""
    toks = [t for t in _name_tokens(value) if t not in NAME_SUFFIXES]
    if _is_null_name(toks):
        return "", ()
    parts: list[str] = []
    for t in toks:
        parts.extend(p for p in t.split("-") if p)
    parts = [re.sub(r"[^a-z]", "", p) for p in parts]
    parts = [p for p in parts if p]
    merged: list[str] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        if p in SURNAME_PREFIXES and i + 1 < len(parts):
            merged.append(p + parts[i + 1])
            i += 2
            continue
        merged.append(p)
        i += 1
    return "".join(merged), tuple(merged)


def standardise_name(first: object, last: object, middle: object = None, sex: str = "U") -> Name:
    f_raw, m_raw = split_forenames(first, middle)
    first_match = canonical_forename(f_raw, sex)
    first_disp = display_name(f_raw) if first_match else ""
    middle_disp = display_name(m_raw) if _name_tokens(m_raw) and not _is_null_name(_name_tokens(m_raw)) else ""
    last_match, last_tokens = surname_key(last)
    last_disp = display_name(last) if last_match else ""
    return Name(first_disp, middle_disp, last_disp, first_match, last_match, last_tokens)


def soundex(name: str) -> str:
    """American Soundex of an ASCII lower-case name ('' for '')."""
    name = re.sub(r"[^a-z]", "", name.lower())
    if not name:
        return ""
    codes = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
             "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
    out = name[0].upper()
    prev = codes.get(name[0], "")
    for c in name[1:]:
        code = codes.get(c, "")
        if code and code != prev:
            out += code
        if c not in "hw":
            prev = code
    return (out + "000")[:4]


# ---------------------------------------------------------------------------------------------------------- dates

FALLBACK_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y",
                         "%d %B %Y", "%d/%m/%y", "%Y/%m/%d", "%d-%b-%y")
MIN_DOB = date(1900, 1, 1)


class DateProblem(ValueError):
    pass


def parse_date(value: object, formats: tuple[str, ...] | list[str] = (), *, today: date | None = None,
               min_date: date = MIN_DOB) -> date | None:
    """Parse a date of birth: the source's formats first, then common fallbacks (see _parse_date)."""
    return _parse_date(clean_text(value), tuple(formats), today or date.today(), min_date)


@lru_cache(maxsize=200_000)
def _parse_date(s: str, formats: tuple[str, ...], today: date, min_date: date) -> date | None:
    """Parse a date tried against the source's formats then common fallbacks.

    Blank -> None. Raises DateProblem (with a reason) for an impossible date (31/02/2010), a date in the future or
    before 1900, or text that matches no format. A time part ('2010-01-02 00:00:00', 'T00:00') is ignored.
    """
    if not s:
        return None
    s = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?$", "", s).strip()
    looked_like_date = False
    for fmt in (*formats, *[f for f in FALLBACK_DATE_FORMATS if f not in formats]):
        try:
            d = datetime.strptime(s, fmt).date()
        except ValueError as exc:
            if "day is out of range" in str(exc) or "month must be" in str(exc):
                looked_like_date = True
            continue
        if fmt.endswith("%y") and d > today:
            d = d.replace(year=d.year - 100)
        if d > today:
            raise DateProblem(f"date in the future: {s!r}")
        if d < min_date:
            raise DateProblem(f"date before {min_date.year}: {s!r}")
        return d
    if looked_like_date or re.fullmatch(r"\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}|\d{8}", s):
        raise DateProblem(f"impossible date: {s!r}")
    raise DateProblem(f"unreadable date: {s!r}")


# ---------------------------------------------------------------------------------------------------------- sex

def standardise_sex(value: object, mapping: dict[str, str] | None = None) -> str:
    s = clean_text(value).lower()
    if not s:
        return "U"
    if mapping and s in mapping:
        return mapping[s]
    return DEFAULT_SEX_MAP.get(s, "U")


# ---------------------------------------------------------------------------------------------------------- postcodes

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


@lru_cache(maxsize=200_000)
def standardise_postcode(value: object) -> str:
    """'sk1  3xe' -> 'SK1 3XE'; 'SK13XE' -> 'SK1 3XE'; a digit O/0 slip in the inward code is fixed ('SK1 OXE')."""
    s = re.sub(r"[^A-Za-z0-9]", "", clean_text(value)).upper()
    if len(s) < 5 or len(s) > 7:
        return s
    outward, inward = s[:-3], s[-3:]
    inward = inward[0].replace("O", "0").replace("I", "1") + inward[1:].replace("0", "O").replace("1", "I")
    return f"{outward} {inward}"


def postcode_is_valid(pc: str) -> bool:
    return bool(POSTCODE_RE.match(pc))


# ---------------------------------------------------------------------------------------------------------- phones

@lru_cache(maxsize=200_000)
def standardise_phone(value: object) -> str:
    """UK numbers to national format with the usual spacing: '+44 7700 900123' -> '07700 900123',
    '01614960123' -> '0161 496 0123', '020 7946 0018' -> '020 7946 0018'. Non-UK or broken numbers: digits only."""
    s = clean_text(value)
    s = re.sub(r"(?i)\s*(ext|x)\.?\s*\d+$", "", s)
    s = s.replace("(0)", "")
    digits = re.sub(r"\D", "", s)
    if not digits:
        return ""
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and (s.lstrip().startswith("+") or len(digits) == 12):
        digits = "0" + digits[2:]
    if digits.startswith("00"):
        return "+" + digits[2:]
    if len(digits) == 10 and not digits.startswith("0"):
        digits = "0" + digits
    if len(digits) != 11 or not digits.startswith("0"):
        return digits
    if digits.startswith("07") or digits.startswith("08") or digits.startswith("09"):
        return f"{digits[:5]} {digits[5:]}"
    if digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if re.match(r"^01\d1", digits) or digits.startswith("011"):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"


# ---------------------------------------------------------------------------------------------------------- addresses

ADDRESS_ABBREVIATIONS = {
    "rd": "Road", "st": "Street", "ave": "Avenue", "av": "Avenue", "ln": "Lane", "dr": "Drive", "cl": "Close",
    "ct": "Court", "cres": "Crescent", "gdns": "Gardens", "gr": "Grove", "gro": "Grove", "pl": "Place", "sq": "Square",
    "tce": "Terrace", "terr": "Terrace", "wy": "Way", "pk": "Park", "hse": "House", "flt": "Flat", "apt": "Apartment",
    "nth": "North", "sth": "South",
}
_ADDRESS_KEEP_UPPER = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$|^[0-9]+[A-Z]$")


def standardise_address(lines: list[object], postcode: str = "") -> str:
    return _standardise_address(tuple(clean_text(x) for x in lines), postcode)


@lru_cache(maxsize=200_000)
def _standardise_address(lines: tuple[str, ...], postcode: str) -> str:
    """Join address lines into one tidy line: title case, 'Rd' -> 'Road', no repeated commas, postcode removed
    (it has its own column), '12a' -> '12A'."""
    text = ", ".join(p for p in lines if p)
    if not text:
        return ""
    if postcode:
        text = _strip_trailing_postcode(text, postcode.replace(" ", "").upper())
    out_parts = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        last = len(words) - 1
        out_parts.append(" ".join(_address_word(w, i == last) for i, w in enumerate(words)))
    return ", ".join(out_parts)


def _strip_trailing_postcode(text: str, pc_flat: str) -> str:
    """Remove the postcode (any spacing/case) and the separators before it from the end of text."""
    i, j = len(text), len(pc_flat)
    while i > 0 and j > 0:
        c = text[i - 1]
        if c.isspace():
            i -= 1
            continue
        if c.upper() != pc_flat[j - 1]:
            return text
        i -= 1
        j -= 1
    if j:
        return text
    return text[:i].rstrip(" ,")


_RE_NUM_LETTER = re.compile(r"\d+[a-zA-Z]")
_RE_ALNUM = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=100_000)
def _address_word(w: str, last_in_part: bool) -> str:
    bare = w.rstrip(".")
    low = bare.lower()
    if low in ADDRESS_ABBREVIATIONS and (last_in_part or low not in ("st", "dr")):
        return ADDRESS_ABBREVIATIONS[low]
    if _RE_NUM_LETTER.fullmatch(bare):
        return bare.upper()
    if _RE_ALNUM.fullmatch(bare) and _ADDRESS_KEEP_UPPER.match(bare.upper()) and any(c.isdigit() for c in bare):
        return bare.upper()
    return display_name(bare) if (bare.isupper() or bare.islower()) else bare


@lru_cache(maxsize=200_000)
def address_key(address: str) -> str:
    """A short match key: the first house number (with letter) and the first street word, lower case ('12a high')."""
    low = address.lower()
    m = re.search(r"\b(\d+[a-z]?)\b\s*,?\s*([a-z]+)", low)
    if not m:
        return ""
    return f"{m.group(1)} {m.group(2)}"


# ---------------------------------------------------------------------------------------------------------- identifiers

def nhs_number_is_valid(digits: str) -> bool:
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def standardise_nhs_number(value: object) -> str:
    """10 digits with a valid modulus-11 check digit, or '' ('123 456 7890' -> '1234567890')."""
    digits = re.sub(r"[\s\-]", "", clean_text(value))
    return digits if nhs_number_is_valid(digits) else ""


def standardise_upn(value: object) -> str:
    s = re.sub(r"\s", "", clean_text(value)).upper()
    return s if re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", s) else ""


def standardise_identifier(kind: str, value: object) -> str:
    if kind == "nhs_number":
        return standardise_nhs_number(value)
    if kind == "upn":
        return standardise_upn(value)
    return re.sub(r"\s", "", clean_text(value)).upper()


# ---------------------------------------------------------------------------------------------------------- a source

STANDARDISED_COLUMNS = ["source", "record_id", "first_name", "middle_name", "last_name", "dob", "sex", "address",
                        "postcode", "phone", "nhs_number", "upn", "lcs_id"]
MATCH_COLUMNS = ["first_name_std", "first_name_raw", "alt_first_name_std", "surname_std", "surname_tokens", "surname_soundex",
                 "surname_initial", "first_initial", "dob_std", "birth_year", "postcode_std", "postcode_district", "address_key"]


@dataclass
class StandardiseResult:
    records: pd.DataFrame  # one row per usable record: STANDARDISED_COLUMNS + MATCH_COLUMNS + row_number
    quarantine: list[dict] = field(default_factory=list)  # source, file, row_number, record_id, reason
    warnings: dict[str, int] = field(default_factory=dict)  # reason -> count (e.g. dob blanked)
    warning_examples: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class BadRow:
    """A row whose number of fields differs from the header's (a truncated last line, a stray comma)."""

    row_number: int  # data rows counted from 1, header excluded (as in quarantine.csv)
    fields: tuple[str, ...]  # as parsed, to recover the record id; never logged
    expected: int
    actual: int

    @property
    def reason(self) -> str:
        return ("truncated row: fewer fields than the header" if self.actual < self.expected
                else "malformed row: more fields than the header")


@dataclass
class Extract:
    frame: pd.DataFrame  # the well-formed rows; every column text, blanks "" (never NaN; 'NA' stays 'NA')
    row_numbers: np.ndarray  # data row number of each frame row (1 = first row after the header)
    bad_rows: list[BadRow]  # rows with a wrong number of fields, left out of `frame` (to be quarantined)
    header: list[str]


def _raw_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f), [])


def read_extract_rows(path: Path | str, name: str | None = None) -> Extract:
    """Read an extract as text. Raises SourceConfigError naming the file (and line/byte) when it is not UTF-8 or has
    no header; rows with more or fewer fields than the header come back in `bad_rows` with their row number.

    pyarrow parses on every core; the rare file with bad rows is re-read with the csv module, which numbers rows
    exactly even when a quoted value spans lines."""
    path = Path(path)
    name = name or path.name
    try:
        header = _raw_header(path)
    except UnicodeDecodeError:
        header = []
    if not header:
        raise SourceConfigError([encoding_problem(path, name) or f"{name}: empty file (no header row)"])
    seen_bad = []

    def on_bad(_row) -> str:
        seen_bad.append(1)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_bad),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        # Arrow's own message may quote the offending text (personal data): name file, line and byte instead
        raise SourceConfigError([encoding_problem(path, name) or f"{name}: not a readable CSV file"]) from exc
    if not seen_bad:
        frame = table.to_pandas()
        frame.columns = header
        return Extract(frame, np.arange(1, len(frame) + 1), [], header)
    del table
    good: list[list[str]] = []
    numbers: list[int] = []
    bad: list[BadRow] = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        next(reader, None)
        n = 0
        for fields in reader:
            if not fields:  # a blank line is not a row (pandas and pyarrow skip it too)
                continue
            n += 1
            if len(fields) == len(header):
                good.append(fields)
                numbers.append(n)
            else:
                bad.append(BadRow(n, tuple(fields), len(header), len(fields)))
    frame = pd.DataFrame(good, columns=header, dtype=str) if good else pd.DataFrame({c: pd.Series(dtype=str) for c in header})
    return Extract(frame, np.asarray(numbers, dtype=np.int64), bad, header)


def read_extract(path: Path | str) -> pd.DataFrame:
    """Every column as text, blanks as "" (never NaN, and 'NA' stays 'NA'). Rows with a wrong number of fields are
    left out: use read_extract_rows to quarantine them."""
    return read_extract_rows(path).frame


def standardise_source(df: pd.DataFrame, src: SourceConfig, *, today: date | None = None,
                       start: int = 1, row_numbers: "np.ndarray | list[int] | None" = None) -> StandardiseResult:
    """Apply a source's mapping row by row. Quarantines rows with no record id, a duplicate record id, or no usable
    name; blanks (with a warning) a DOB that cannot be a real date of birth, an invalid NHS number or UPN.

    `start`: the row number of the frame's first row (a chunk of a bigger extract); `row_numbers`: each row's number
    when some rows of the file were left out (Extract.row_numbers)."""
    today = today or date.today()
    df = df.rename(columns=lambda c: c.strip())
    out: list[dict] = []
    quarantine: list[dict] = []
    warnings: dict[str, int] = {}
    examples: list[dict] = []
    seen_ids: set[str] = set()

    def col(row, name):
        return row[name] if name else ""

    def warn(reason: str, row_number: int, record_id: str):
        warnings[reason] = warnings.get(reason, 0) + 1
        if len(examples) < 50:
            examples.append({"source": src.name, "row_number": row_number, "record_id": record_id, "warning": reason})

    sex_map = src.sex.values if src.sex else {}
    needed = src.required_columns()
    columns = [df[c].tolist() for c in needed]
    numbers = row_numbers if row_numbers is not None else range(start, start + len(df))
    for i, values in zip((int(n) for n in numbers), zip(*columns)):
        row = dict(zip(needed, values))
        rid = "-".join(clean_text(row[c]) for c in src.record_id)
        if any(not clean_text(row[c]) for c in src.record_id):
            quarantine.append({"source": src.name, "file": src.file, "row_number": i, "record_id": rid,
                               "reason": "missing record id"})
            continue
        if rid in seen_ids:
            quarantine.append({"source": src.name, "file": src.file, "row_number": i, "record_id": rid,
                               "reason": "duplicate record id"})
            continue
        sex = standardise_sex(col(row, src.sex.column) if src.sex else "", sex_map)
        name = standardise_name(col(row, src.first_name), col(row, src.last_name), col(row, src.middle_name), sex)
        if not name.first_match and not name.last_match:
            quarantine.append({"source": src.name, "file": src.file, "row_number": i, "record_id": rid,
                               "reason": "no usable name"})
            continue
        seen_ids.add(rid)
        dob = None
        if src.dob:
            try:
                dob = parse_date(row[src.dob.column], src.dob.formats, today=today)
            except DateProblem as exc:
                warn("dob blanked: " + str(exc).split(":")[0], i, rid)
        postcode = standardise_postcode(col(row, src.postcode))
        address = standardise_address([row[c] for c in src.address], postcode)
        ids = {"nhs_number": "", "upn": "", "lcs_id": ""}
        for kind, c in src.identifiers.items():
            raw = clean_text(row[c])
            ids[kind] = standardise_identifier(kind, raw)
            if raw and not ids[kind]:
                warn(f"{kind} blanked: invalid", i, rid)
        alt = canonical_forename(col(row, src.alt_first_name), sex) if src.alt_first_name else ""
        first_std = name.first_match
        options = AMBIGUOUS_NICKNAMES.get(forename_token(name.first), {})
        if sex == "U" and len(options) > 1 and not alt:  # Danny with no sex: Daniel, or else Danielle
            first_std, alt = options["M"], options["F"]
        out.append({
            "source": src.name,
            "record_id": rid,
            "row_number": i,
            "first_name": name.first,
            "middle_name": name.middle,
            "last_name": name.last,
            "dob": dob.isoformat() if dob else "",
            "sex": sex,
            "address": address,
            "postcode": postcode,
            "phone": standardise_phone(col(row, src.phone)),
            **ids,
            "first_name_std": first_std or None,
            "first_name_raw": forename_token(name.first) or None,
            "alt_first_name_std": (alt if alt and alt != first_std else None),
            "surname_std": name.last_match or None,
            "surname_tokens": list(name.last_tokens) if name.last_tokens else None,
            "surname_soundex": soundex(name.last_match) or None,
            "first_initial": first_std[:1] or None,
            "surname_initial": name.last_match[:1] or None,
            "dob_std": dob.isoformat() if dob else None,
            "birth_year": str(dob.year) if dob else None,
            "postcode_std": postcode.replace(" ", "") if postcode_is_valid(postcode) else None,
            "postcode_district": postcode.split(" ")[0] if postcode_is_valid(postcode) else None,
            "address_key": address_key(address) or None,
        })
    cols = STANDARDISED_COLUMNS[:2] + ["row_number"] + STANDARDISED_COLUMNS[2:] + MATCH_COLUMNS
    records = pd.DataFrame(out, columns=cols)
    return StandardiseResult(records=records, quarantine=quarantine, warnings=warnings, warning_examples=examples)
