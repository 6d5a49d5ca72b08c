"""A social worker's journey in a real browser (Debian Chromium driven by Playwright) against the live stack:
search the demo child by name, see the results, open the child, see the services and the parents.
Screenshots of every step go to test-artifacts/screenshots/ (ignored by git)."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import browser, display_name, new_page, shot, sign_in, words  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration


@pytest.fixture
def page(new_page, live_stack):
    """A social worker's page, signed in; `page.problems` collects anything that goes wrong on it."""
    page = new_page()
    sign_in(page, live_stack, "social.worker")
    return page


def test_search_open_child_see_services_and_parents(live_stack, demo_child, page):
    # 1. The search page, styled by GOV.UK Frontend (its stylesheet and fonts load from this server).
    page.goto(f"{live_stack.base_url}/")
    page.wait_for_selector("h1:has-text('Find a person')")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith('"GDS Transport"')
    assert page.locator(".govuk-skip-link").count() == 1
    shot(page, "1-search-form")

    # 2. Search surname first, as social workers often do; the child is in the results.
    page.get_by_label("Name").fill(f"{demo_child['last_name']} {demo_child['first_name']}")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#results-heading")
    assert "#/search?" in page.url
    child_link = page.locator(f".fc-results a[href='#/person/{demo_child['person_id']}']")
    child_link.wait_for()
    row = page.locator(f".fc-results tr[data-person-id='{demo_child['person_id']}']")
    assert demo_child["lcs_id"] in row.inner_text()
    shot(page, "2-search-results")

    # 3. The person page: a summary, services as an accordion with a status for each, the family table.
    child_link.click()
    # The purpose of access, asked once per person per session, in one click (it goes to the audit).
    page.wait_for_selector("h1:has-text('Why are you looking at this record?')")
    page.get_by_role("button", name="Deciding what to do with a new referral").click()
    page.wait_for_selector(".fc-services .govuk-accordion__section")
    assert page.url.endswith(f"#/person/{demo_child['person_id']}")
    # The page shows the name linkage settled on across systems, which may differ from the LCS spelling.
    assert page.locator("h1").inner_text().strip() == display_name(live_stack, demo_child["person_id"])
    sections = page.locator(".fc-services .govuk-accordion__section")
    assert sections.count() >= 1
    statuses = [sections.nth(i).get_attribute("data-status") for i in range(sections.count())]
    assert set(statuses) <= {"Current", "Historic", "Not found"}, statuses
    assert "Current" in statuses, "an LCS child with an open case is known to at least one service"
    tags = page.locator(".fc-services .govuk-accordion__section-summary .govuk-tag").all_inner_texts()
    assert {t.strip() for t in tags} <= {"Current", "Historic", "Not found"} and len(tags) == sections.count()
    social_care = page.locator(".fc-services [data-service='childrens_social_care']")
    assert "Current" in social_care.locator(".govuk-accordion__section-summary").inner_text()
    shot(page, "3-person")

    family = page.locator(".fc-family")
    for parent in demo_child["parents"]:
        parent_row = family.locator(f"tr[data-person-id='{parent['person_id']}']")
        assert parent_row.count() == 1, f"the {parent['relationship']} is in the family table"
        row_text = parent_row.inner_text()
        assert parent["relationship"].capitalize() in row_text
        # Each parent's name is shown, linking to their page: the matched name, which shares at least the
        # forename or the surname with the LCS record (the other may be another system's spelling).
        shown = parent_row.get_by_role("link").inner_text().strip()
        assert shown == display_name(live_stack, parent["person_id"])
        assert set(words(shown).split()) & {words(parent["first_name"]), words(parent["last_name"])}, (shown, parent)

    # 4. Opening every section shows the lead practitioner's contact and where the information came from.
    page.locator(".govuk-accordion__show-all").click()
    assert social_care.locator(".govuk-accordion__section-content").is_visible()
    assert re.search(r"Correct as of \d{1,2} [A-Z][a-z]+ \d{4}", social_care.inner_text())
    assert demo_child["allocated_worker"] in social_care.inner_text()
    shot(page, "4-person-services-open")

    # 5. Back to the results, then a search that finds no one says so plainly.
    page.get_by_role("link", name="Back to search results").click()
    page.wait_for_selector(".fc-results")
    page.goto(f"{live_stack.base_url}/#/search?name=Zzyzxqwv")
    page.wait_for_selector("#results-heading:has-text('No people found')")
    shot(page, "5-no-results")

    # No failed request, script error or console message (the page never logs, so no personal data ends up there).
    assert page.problems == []  # type: ignore[attr-defined]


def test_graphql_errors_are_shown_in_an_error_summary(live_stack, page):
    # Only wildcard characters: the API answers BAD_USER_INPUT, which the page shows as a GOV.UK error summary.
    page.goto(f"{live_stack.base_url}/#/search?name=%2A%25%3F")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert "Enter a name" in summary.inner_text()
    shot(page, "6-error-summary")
