"""The loader's stored JSON text must not change by a byte when orjson writes it: a refresh compares it with what
earlier loads stored, and any difference would make it replace every record (graph_loader/compact_json.py)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from graph_loader import link_reasons, prepare
from graph_loader.compact_json import compact_encoder
from linkage.sources_config import load_sources
from tests.conftest import SOURCES

TRICKY = [
    ["plain", 1, -2, True, False, None, 0.1, 1.0, 100.0, -0.0, 12345.67, date(2024, 2, 29)],
    {"b": [1, {"d": 2, "c": 3}], "a": "x", "A": "y", "_": None},
    ["quote \" backslash \\ slash / tab \t newline \n bell \x07 unit \x1f delete \x7f"],
    ["Zoë", "Łukasz", "Siân O’Neill", "😀"],
    {"ké": 1, "ka": 2},
    [2 ** 70],  # too large for orjson: the standard library writes it
    [datetime(2026, 1, 2, 3, 4, 5)],
    {1: "a key that is not text"},
]


def _standard_encoder(sort_keys: bool = False):
    return json.JSONEncoder(sort_keys=sort_keys, separators=(",", ":"), default=str).encode


@pytest.mark.parametrize("sort_keys", [True, False])
@pytest.mark.parametrize("value", TRICKY)
def test_the_text_is_the_standard_librarys_byte_for_byte(value, sort_keys):
    assert compact_encoder(sort_keys)(value) == _standard_encoder(sort_keys)(value)


def test_floats_as_the_loader_writes_them_are_the_same_text():
    """The loader rounds its floats (probabilities, match weights) to two decimals: written without an exponent by
    both, so the same text. (Floats needing an exponent are written differently, e.g. 1e16; the loader has none.)"""
    rounded = [round(i / 7, 2) for i in range(-70_000, 70_000)] + [round(i * 0.37, 2) for i in range(-3000, 3000)]
    encode, standard = compact_encoder(), _standard_encoder()
    assert [encode([x]) for x in rounded] == [standard([x]) for x in rounded]


def test_a_towns_link_reasons_and_record_digests_are_what_json_made(town, monkeypatch):
    """Every link reason and every holds digest of a generated town, made both ways."""
    extracts, linked = town
    fast = prepare.prepare(extracts, linked, load_sources(SOURCES), "fast")
    monkeypatch.setattr(link_reasons, "compact_encoder", _standard_encoder)
    monkeypatch.setattr(prepare, "_canonical", _standard_encoder(sort_keys=True))
    slow = prepare.prepare(extracts, linked, load_sources(SOURCES), "slow")
    assert len(fast.records) == len(slow.records) > 0
    assert [r["props"] for r in fast.records] == [r["props"] for r in slow.records]
    assert any(r["props"]["link_reasons"] for r in fast.records)
