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


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
# strptime format -> (pattern of its zero-padded form, match -> (year, month, day))
_FAST_DATE_FORMATS = {
    "%Y%m%d": (re.compile(r"(\d{4})(\d{2})(\d{2})"), lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    "%Y-%m-%d": (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    "%Y/%m/%d": (re.compile(r"(\d{4})/(\d{2})/(\d{2})"), lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    "%d/%m/%Y": (re.compile(r"(\d{2})/(\d{2})/(\d{4})"), lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    "%d-%m-%Y": (re.compile(r"(\d{2})-(\d{2})-(\d{4})"), lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    "%d.%m.%Y": (re.compile(r"(\d{2})\.(\d{2})\.(\d{4})"), lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    "%d-%b-%Y": (re.compile(r"(\d{2})-([A-Za-z]{3})-(\d{4})"),
                 lambda m: (int(m[3]), _MONTHS[m[2].lower()], int(m[1]))),
}


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
    order = (*formats, *[f for f in FALLBACK_DATE_FORMATS if f not in formats])
    fast = _FAST_DATE_FORMATS.get(order[0])
    if fast:  # the usual well-formed value in the source's own format, without strptime (10x slower)
        m = fast[0].fullmatch(s)
        if m:
            try:
                d = date(*fast[1](m))
            except (ValueError, KeyError):
                d = None
            if d is not None and min_date <= d <= today:
                return d  # what strptime with order[0] gives; anything else takes the full path below
    looked_like_date = False
    for fmt in order:
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


def standardise_phones(values) -> np.ndarray:
    """standardise_phone over a column (once per distinct number)."""
    return _per_unique([np.asarray(values, dtype=object)], standardise_phone)


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


def _standardise_address(lines: tuple[str, ...], postcode: str) -> str:
    """Join address lines into one tidy line: title case, 'Rd' -> 'Road', no repeated commas, postcode removed
    (it has its own column), '12a' -> '12A'."""
    text = ", ".join(p for p in lines if p)
    if not text:
        return ""
    if postcode:
        text = _strip_trailing_postcode(text, postcode.replace(" ", "").upper())
    return ", ".join(p for p in map(_address_part, text.split(",")) if p)


@lru_cache(maxsize=200_000)
def _address_part(part: str) -> str:
    """One comma-separated part ("12 high st", " Heaton Moor"): parts repeat across addresses, so this is cached."""
    words = part.split()
    last = len(words) - 1
    return " ".join(_address_word(w, i == last) for i, w in enumerate(words))


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


def _per_unique(columns: list, fn, width: int = 0) -> "np.ndarray | list[np.ndarray]":
    """fn(*values) for each row's values, computed once per distinct combination (names, dates, postcodes and
    addresses repeat a lot: a 1,000,000-record town has a few thousand forenames). Returns an object array, or with
    `width` (fn returns tuples of that length) one object array per tuple member."""
    n = len(columns[0]) if columns else 0
    if not n:
        empty = np.empty(0, dtype=object)
        return [empty] * width if width else empty
    if len(columns) == 1:
        codes, uniques = pd.factorize(np.asarray(columns[0], dtype=object), use_na_sentinel=False)
        results = [fn(u) for u in uniques]
    else:
        # combine the columns' codes pairwise (re-factorized each time, so the key never overflows)
        codes = np.zeros(n, dtype=np.int64)
        for c in columns:
            c_codes, c_uniques = pd.factorize(np.asarray(c, dtype=object), use_na_sentinel=False)
            codes, _ = pd.factorize(codes * len(c_uniques) + c_codes)
        first = np.unique(codes, return_index=True)[1]  # the first row of each combination, in code order
        results = [fn(*u) for u in zip(*(np.asarray(c, dtype=object)[first] for c in columns))]
    if not width:
        return _objects(results)[codes]
    return [_objects(member)[codes] for member in zip(*results)]


def _objects(values) -> np.ndarray:
    """A one-dimensional object array (np.array would turn a list of equal-length lists into a 2-d array)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _forename_fields(first: str, middle: str, sex: str, alt_raw: str, has_alt: bool) -> tuple:
    """(first display, middle display, first match, forename as written, alt match) for one combination."""
    f_raw, m_raw = split_forenames(first, middle)
    first_match = canonical_forename(f_raw, sex)
    first_disp = display_name(f_raw) if first_match else ""
    m_tokens = _name_tokens(m_raw)
    middle_disp = display_name(m_raw) if m_tokens and not _is_null_name(m_tokens) else ""
    alt = canonical_forename(alt_raw, sex) if has_alt else ""
    first_std = first_match
    token = forename_token(first_disp)
    options = AMBIGUOUS_NICKNAMES.get(token, {})
    if sex == "U" and len(options) > 1 and not alt:  # Danny with no sex: Daniel, or else Danielle
        first_std, alt = options["M"], options["F"]
    return first_disp, middle_disp, first_match, first_std, token, (alt if alt and alt != first_std else None)


def _surname_fields(last: str) -> tuple:
    """(display, match key, parts, soundex) of one surname."""
    last_match, last_tokens = surname_key(last)
    return (display_name(last) if last_match else "", last_match, list(last_tokens) if last_tokens else None,
            soundex(last_match) or None)


def _dob_fields(raw: str, formats: tuple[str, ...], today: date) -> tuple[str, str | None]:
    """(ISO date or "", warning reason or None)."""
    try:
        dob = parse_date(raw, formats, today=today)
    except DateProblem as exc:
        return "", "dob blanked: " + str(exc).split(":")[0]
    return (dob.isoformat() if dob else ""), None


def _postcode_fields(raw: str) -> tuple:
    pc = standardise_postcode(raw)
    valid = postcode_is_valid(pc)
    return pc, (pc.replace(" ", "") if valid else None), (pc.split(" ")[0] if valid else None)


_NHS_WEIGHTS = np.arange(10, 1, -1)


def _nhs_numbers(raw: pd.Series) -> np.ndarray:
    """standardise_nhs_number for a column: the usual plain 10 digits checked with numpy, anything else one by one."""
    values = raw.to_numpy(dtype=object)
    plain = raw.str.fullmatch(r"[0-9]{10}").to_numpy(dtype=bool)
    out = np.full(len(values), "", dtype=object)
    if plain.any():
        digits = np.frombuffer("".join(values[plain]).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - 48
        check = 11 - (digits[:, :9] * _NHS_WEIGHTS).sum(axis=1) % 11
        check[check == 11] = 0
        ok = (check != 10) & (check == digits[:, 9])
        idx = np.flatnonzero(plain)
        out[idx[ok]] = values[idx[ok]]
    other = ~plain
    if other.any():
        out[other] = [standardise_nhs_number(v) for v in values[other]]
    return out


def standardise_source(df: pd.DataFrame, src: SourceConfig, *, today: date | None = None,
                       start: int = 1, row_numbers: "np.ndarray | list[int] | None" = None) -> StandardiseResult:
    """Apply a source's mapping. Quarantines rows with no record id, a duplicate record id, or no usable name;
    blanks (with a warning) a DOB that cannot be a real date of birth, an invalid NHS number or UPN.

    Column by column: each standardising function runs once per distinct value (or combination), not once per row,
    so a 1,000,000-record extract takes seconds; the result is what applying the functions row by row gives.
    `start`: the row number of the frame's first row (a chunk of a bigger extract); `row_numbers`: each row's number
    when some rows of the file were left out (Extract.row_numbers)."""
    today = today or date.today()
    df = df.rename(columns=lambda c: c.strip())
    n = len(df)
    numbers = (np.asarray(row_numbers, dtype=np.int64) if row_numbers is not None
               else np.arange(start, start + n, dtype=np.int64))
    blank = np.full(n, "", dtype=object)

    def col(name: str | None) -> np.ndarray:
        return df[name].to_numpy(dtype=object) if name else blank

    # record id: every part present; the first usable row with an id keeps it, later ones are duplicates
    parts = [[clean_text(v) for v in col(c)] for c in src.record_id]
    rid = np.array(["-".join(p) for p in zip(*parts)] if parts and n else [""] * n, dtype=object)
    missing_id = np.zeros(n, dtype=bool)
    for p in parts:
        missing_id |= np.array([not v for v in p], dtype=bool)

    sex_map = src.sex.values if src.sex else {}
    sex = _per_unique([col(src.sex.column if src.sex else None)], lambda v: standardise_sex(v, sex_map))
    fore = _per_unique([col(src.first_name), col(src.middle_name), sex, col(src.alt_first_name)],
                       lambda f, m, s, a: _forename_fields(f, m, s, a, bool(src.alt_first_name)), width=6)
    first_disp, middle_disp, first_match, first_std, first_token, alt_std = fore
    last_disp, last_match, last_tokens, last_soundex = _per_unique([col(src.last_name)], _surname_fields, width=4)
    no_name = np.array([not f and not s for f, s in zip(first_match, last_match)], dtype=bool)

    usable = ~missing_id & ~no_name
    rid_s = pd.Series(rid)
    first_usable = pd.Series(np.flatnonzero(usable), index=rid[usable])
    first_usable = first_usable[~first_usable.index.duplicated()]
    earlier = rid_s.map(first_usable).to_numpy(dtype=float)
    duplicate = ~missing_id & (earlier < np.arange(n))  # NaN (no usable row with this id) compares False
    keep = usable & ~duplicate
    reason = np.where(missing_id, "missing record id", np.where(duplicate, "duplicate record id", "no usable name"))
    quarantine = [{"source": src.name, "file": src.file, "row_number": int(i), "record_id": r, "reason": str(why)}
                  for i, r, why in zip(numbers[~keep], rid[~keep], reason[~keep])]

    # the kept rows only from here (warnings count kept rows, as before)
    k = np.flatnonzero(keep)
    sub = df.iloc[k]

    def kcol(name: str | None) -> np.ndarray:
        return sub[name].to_numpy(dtype=object) if name else blank[: len(k)]

    warn_rows: list[np.ndarray] = []  # per warning kind: boolean over kept rows, in the order checked per row
    warn_reasons: list[np.ndarray] = []
    if src.dob:
        dob_iso, dob_warn = _per_unique([kcol(src.dob.column)],
                                        lambda v: _dob_fields(v, tuple(src.dob.formats), today), width=2)
        warn_rows.append(np.array([w is not None for w in dob_warn], dtype=bool))
        warn_reasons.append(dob_warn)
    else:
        dob_iso = np.full(len(k), "", dtype=object)
    postcode, postcode_std, postcode_district = _per_unique([kcol(src.postcode)], _postcode_fields, width=3)
    address = _per_unique([kcol(c) for c in src.address] + [postcode],
                          lambda *v: standardise_address(list(v[:-1]), v[-1])) if src.address else \
        np.full(len(k), "", dtype=object)
    ids = {kind: np.full(len(k), "", dtype=object) for kind in ("nhs_number", "upn", "lcs_id")}
    for kind, c in src.identifiers.items():
        raw = [clean_text(v) for v in kcol(c)]
        if kind == "nhs_number":
            ids[kind] = _nhs_numbers(pd.Series(raw, dtype=str))
        else:
            ids[kind] = _per_unique([raw], lambda v, kind=kind: standardise_identifier(kind, v))
        bad = np.array([bool(r) and not s for r, s in zip(raw, ids[kind])], dtype=bool)
        warn_rows.append(bad)
        warn_reasons.append(np.full(len(k), f"{kind} blanked: invalid", dtype=object))

    warnings: dict[str, int] = {}
    examples: list[tuple[int, int, str]] = []  # (row number, order within the row, reason)
    for order, (rows, reasons) in enumerate(zip(warn_rows, warn_reasons)):
        for why in reasons[rows]:
            warnings[why] = warnings.get(why, 0) + 1
        idx = np.flatnonzero(rows)[:50]
        examples.extend((int(numbers[k[i]]), order, reasons[i]) for i in idx)
    examples.sort()
    kept_rid = rid[k]
    rid_at = dict(zip(numbers[k].tolist(), kept_rid)) if examples else {}
    warning_examples = [{"source": src.name, "row_number": rn, "record_id": rid_at[rn], "warning": why}
                        for rn, _, why in examples[:50]]

    dob_std = np.where(dob_iso == "", None, dob_iso)
    fs = first_std[k]
    records = pd.DataFrame({
        "source": np.full(len(k), src.name, dtype=object),
        "record_id": kept_rid,
        "row_number": numbers[k],
        "first_name": first_disp[k],
        "middle_name": middle_disp[k],
        "last_name": last_disp[k],
        "dob": dob_iso,
        "sex": sex[k],
        "address": address,
        "postcode": postcode,
        "phone": _per_unique([kcol(src.phone)], standardise_phone),
        **ids,
        "first_name_std": np.where(fs == "", None, fs),
        "first_name_raw": np.where(first_token[k] == "", None, first_token[k]),
        "alt_first_name_std": alt_std[k],
        "surname_std": np.where(last_match[k] == "", None, last_match[k]),
        "surname_tokens": last_tokens[k],
        "surname_soundex": last_soundex[k],
        "first_initial": np.array([f[:1] or None for f in fs], dtype=object),
        "surname_initial": np.array([s[:1] or None for s in last_match[k]], dtype=object),
        "dob_std": dob_std,
        "birth_year": np.array([d[:4] if d else None for d in dob_iso], dtype=object),
        "postcode_std": postcode_std,
        "postcode_district": postcode_district,
        "address_key": _per_unique([address], lambda a: address_key(a) or None),
    }, columns=STANDARDISED_COLUMNS[:2] + ["row_number"] + STANDARDISED_COLUMNS[2:] + MATCH_COLUMNS)
    return StandardiseResult(records=records, quarantine=quarantine, warnings=warnings,
                             warning_examples=warning_examples)
