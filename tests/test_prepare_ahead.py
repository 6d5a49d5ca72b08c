"""The full load's preparation running ahead of its writing (graph_loader/prepare_ahead.py): the same lists as
`prepare`, errors handed to the writer, and a writer that stops waiting when the load is given up."""
from __future__ import annotations

import shutil

import pytest

from family_context.settings import PROJECT_ROOT

SOURCES = PROJECT_ROOT / "demo_town" / "sources.yaml"

LISTS = ("services", "practitioners", "people", "records", "addresses", "recorded_at", "lives_at", "households",
         "members", "relationships", "involvements", "phones", "has_phone", "source_extracts")


def test_prepared_ahead_gives_exactly_the_lists_counts_and_quarantine_prepare_gives(town):
    from graph_loader.csv_load import CSV_STEPS
    from graph_loader.prepare import prepare
    from graph_loader.prepare_ahead import PrepareAhead
    from linkage.sources_config import load_sources

    extracts, linked = town
    cfg = load_sources(SOURCES)
    expected = prepare(extracts, linked, cfg, "run-1")
    ahead = PrepareAhead(extracts, linked, cfg, "run-1")
    try:
        for _, attr, _ in CSV_STEPS:  # in the order the writer asks for them
            assert ahead.rows(attr) == getattr(expected, attr), attr
        got = ahead.result()
    finally:
        ahead.close()
    for attr in LISTS:
        assert getattr(got, attr) == getattr(expected, attr), attr
    assert got.standard == expected.standard
    assert got.report.counts == expected.report.counts
    assert got.report.quarantine == expected.report.quarantine
    assert expected.records and all("link_reasons" in r["props"] for r in expected.records)


def test_an_error_while_preparing_ahead_is_raised_to_the_writer(town, tmp_path):
    from graph_loader.extract_reader import ExtractError
    from graph_loader.prepare_ahead import PrepareAhead
    from linkage.sources_config import load_sources

    extracts, linked = town
    broken = tmp_path / "linked"
    shutil.copytree(linked, broken)
    (broken / "standardised_records.csv").unlink()
    ahead = PrepareAhead(extracts, broken, load_sources(SOURCES), "run-1")
    try:
        assert ahead.rows("services")  # ready before anything is read
        with pytest.raises(ExtractError, match="standardised_records.csv"):
            ahead.rows("people")
        with pytest.raises(ExtractError):
            ahead.result()
    finally:
        ahead.close()


def test_a_writer_waiting_for_rows_stops_when_the_load_gives_up(town):
    import threading

    from graph_loader.prepare_ahead import PreparationStopped, PrepareAhead
    from linkage.sources_config import load_sources

    extracts, linked = town
    ahead = PrepareAhead(extracts, linked, load_sources(SOURCES), "run-1")
    raised: list[BaseException] = []

    def writer() -> None:
        try:
            ahead.rows("has_phone")
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            raised.append(exc)

    waiting = threading.Thread(target=writer)
    waiting.start()
    ahead.close()
    waiting.join(timeout=60)
    assert not waiting.is_alive()
    # Either it was stopped while waiting, or the (small) town was prepared before close() came.
    assert not raised or isinstance(raised[0], PreparationStopped)


def test_a_refreshs_helper_works_out_the_address_id_of_every_record_of_the_people_it_touches(town):
    from graph_loader.linked_reader import people_with_sources
    from graph_loader.people import address_id
    from graph_loader.prepare import extract_dates, read_linked, source_people_address_ids
    from linkage.sources_config import load_sources

    extracts, linked = town
    sources = ["housing_asb", "housing_tenancy"]
    touched = people_with_sources(linked / "clusters.csv", set(sources))
    records = read_linked(linked, extract_dates(extracts, load_sources(SOURCES)), keep_people=touched, reasons={})
    expected = {(r.address, r.postcode): address_id(r.address, r.postcode)
                for r in records.values() if r.address or r.postcode}
    assert records and expected
    assert source_people_address_ids(linked, sources) == expected
