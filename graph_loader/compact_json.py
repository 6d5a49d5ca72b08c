"""Compact JSON text exactly as the standard library writes it, made several times faster by orjson.

The loader stores text it made with `json` and compares it byte for byte in every one-source refresh: the records'
link reasons (graph_loader/link_reasons.py) and, hashed, what each record holds (prepare.holds_digests). If the text
changed, the next refresh would see every record as changed and replace them all, so speed must not change a byte.
orjson writes the same text as `json.JSONEncoder(separators=(",", ":"), default=str)` for the values the loader
encodes -- text, whole numbers, booleans, None, lists, dicts with text keys, dates (given to `default=str`, as
`json` does) and floats written without an exponent (the loader rounds them to two decimals) -- as long as the text
is printable ASCII. Where it is not (`json` escapes other characters as \\uXXXX; orjson writes them as UTF-8) or
orjson refuses a value, the standard library writes it. A float that needs an exponent (1e16, 1e-05) is the one case
written differently and not caught here: the loader has none (it rounds its floats to two decimals, and the digests
hold no floats). tests/test_compact_json.py checks the two agree, on a whole town too.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import orjson


def compact_encoder(sort_keys: bool = False) -> Callable[[Any], str]:
    """A function writing a value as `json.JSONEncoder(sort_keys=sort_keys, separators=(",", ":"),
    default=str).encode` does, byte for byte."""
    standard = json.JSONEncoder(sort_keys=sort_keys, separators=(",", ":"), default=str).encode
    option = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
              | (orjson.OPT_SORT_KEYS if sort_keys else 0))
    dumps = orjson.dumps

    def encode(value: Any) -> str:
        try:
            text = dumps(value, default=str, option=option)
        except TypeError:  # a value orjson does not write (a number too large, a key that is not text)
            return standard(value)
        if text.isascii() and b"\x7f" not in text:
            return text.decode("ascii")
        return standard(value)

    return encode
