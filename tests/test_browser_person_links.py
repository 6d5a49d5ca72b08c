"""The person page's quiet confidence indicator opens onto why we think the records are the same person: each link
between two of the person's records, with the comparisons and their weights -- in a real browser."""
from __future__ import annotations

import pytest

from tests.browser_support import axe, browser, give_purpose, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration


def test_why_we_think_these_records_are_the_same_person(live_stack, demo_child, new_page):
    api = live_stack.graphql("query($id: ID!) { person(id: $id) { records { linkReasons { summary } } } }",
                             {"id": demo_child["person_id"]})
    summaries = {r["summary"] for rec in api["data"]["person"]["records"] for r in rec["linkReasons"]}
    assert summaries, "the demo child's records carry no link reasons"

    page = new_page()
    sign_in(page, live_stack, "social.worker")
    page.goto(f"{live_stack.base_url}/#/person/{demo_child['person_id']}")
    give_purpose(page)
    details = page.locator("details", has_text="Why we think these records are the same person")
    details.wait_for()
    assert not details.locator(".fc-link-reasons").is_visible(), "the explanation stays quiet until asked for"
    details.locator("summary").click()
    reasons = details.locator(".fc-link-reason")
    reasons.first.wait_for()
    shown = reasons.all_inner_texts()
    # Every link the API gives is shown once, with its sentence.
    assert all(any(s in text for text in shown) for s in summaries)
    model = details.locator(".fc-link-reason[data-method='model'] li")
    if model.count():  # a model link lists its comparisons with their weights, e.g. "Date of birth: same (+12.6)"
        assert any("Date of birth:" in t for t in model.all_inner_texts())
    shot(page, "person-why-linked")
    axe(page, live_stack, "person page, why linked")
    assert not page.problems, page.problems
