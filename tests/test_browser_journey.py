"""A social worker's journey in a real browser (Debian Chromium driven by Playwright) against the live stack:
search the demo child by name, see the results, open the child, see the services and the parents.
Screenshots of every step go to test-artifacts/screenshots/ (ignored by git)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from family_context.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 30_000


def _words(text: str) -> str:
    """Lower case, letters only, single spaces: names compare the same whatever the case or punctuation."""
    return " ".join(re.sub(r"[^a-z]+", " ", text.casefold()).split())


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (`make browser` installs it)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in(page, live_stack, username: str = "social.worker") -> None:
    """Sign in through the development identity provider's form, as a social worker does with their SSO."""
    from family_context.dev_idp import DEMO_USERS

    page.goto(f"{live_stack.base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_USERS[username].password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_stack.base_url}/")


@pytest.fixture
def page(browser, live_stack):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, live_stack)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 else None)
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


def _display_name(live_stack, person_id: str) -> str:
    body = live_stack.graphql("query($id: ID!) { person(id: $id) { displayName } }", {"id": person_id})
    return body["data"]["person"]["displayName"]


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_open_child_see_services_and_parents(live_stack, demo_child, page):
    # 1. The search page, styled by GOV.UK Frontend (its stylesheet and fonts load from this server).
    page.goto(f"{live_stack.base_url}/")
    page.wait_for_selector("h1:has-text('Find a person')")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith('"GDS Transport"')
    assert page.locator(".govuk-skip-link").count() == 1
    _shot(page, "1-search-form")

    # 2. Search surname first, as social workers often do; the child is in the results.
    page.get_by_label("Name").fill(f"{demo_child['last_name']} {demo_child['first_name']}")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#results-heading")
    assert "#/search?" in page.url
    child_link = page.locator(f".fc-results a[href='#/person/{demo_child['person_id']}']")
    child_link.wait_for()
    row = page.locator(f".fc-results tr[data-person-id='{demo_child['person_id']}']")
    assert demo_child["lcs_id"] in row.inner_text()
    _shot(page, "2-search-results")

    # 3. The person page: a summary, services as an accordion with a status for each, the family table.
    child_link.click()
    # The purpose of access, asked once per person per session, in one click (it goes to the audit).
    page.wait_for_selector("h1:has-text('Why are you looking at this record?')")
    page.get_by_role("button", name="Deciding what to do with a new referral").click()
    page.wait_for_selector(".fc-services .govuk-accordion__section")
    assert page.url.endswith(f"#/person/{demo_child['person_id']}")
    # The page shows the name linkage settled on across systems, which may differ from the LCS spelling.
    assert page.locator("h1").inner_text().strip() == _display_name(live_stack, demo_child["person_id"])
    sections = page.locator(".fc-services .govuk-accordion__section")
    assert sections.count() >= 1
    statuses = [sections.nth(i).get_attribute("data-status") for i in range(sections.count())]
    assert set(statuses) <= {"Current", "Historic", "Not found"}, statuses
    assert "Current" in statuses, "an LCS child with an open case is known to at least one service"
    tags = page.locator(".fc-services .govuk-accordion__section-summary .govuk-tag").all_inner_texts()
    assert {t.strip() for t in tags} <= {"Current", "Historic", "Not found"} and len(tags) == sections.count()
    social_care = page.locator(".fc-services [data-service='childrens_social_care']")
    assert "Current" in social_care.locator(".govuk-accordion__section-summary").inner_text()
    _shot(page, "3-person")

    family = page.locator(".fc-family")
    for parent in demo_child["parents"]:
        parent_row = family.locator(f"tr[data-person-id='{parent['person_id']}']")
        assert parent_row.count() == 1, f"the {parent['relationship']} is in the family table"
        row_text = parent_row.inner_text()
        assert parent["relationship"].capitalize() in row_text
        # Each parent's name is shown, linking to their page: the matched name, which shares at least the
        # forename or the surname with the LCS record (the other may be another system's spelling).
        shown = parent_row.get_by_role("link").inner_text().strip()
        assert shown == _display_name(live_stack, parent["person_id"])
        assert set(_words(shown).split()) & {_words(parent["first_name"]), _words(parent["last_name"])}, (shown, parent)

    # 4. Opening every section shows the lead practitioner's contact and where the information came from.
    page.locator(".govuk-accordion__show-all").click()
    assert social_care.locator(".govuk-accordion__section-content").is_visible()
    assert re.search(r"Correct as of \d{1,2} [A-Z][a-z]+ \d{4}", social_care.inner_text())
    assert demo_child["allocated_worker"] in social_care.inner_text()
    _shot(page, "4-person-services-open")

    # 5. Back to the results, then a search that finds no one says so plainly.
    page.get_by_role("link", name="Back to search results").click()
    page.wait_for_selector(".fc-results")
    page.goto(f"{live_stack.base_url}/#/search?name=Zzyzxqwv")
    page.wait_for_selector("#results-heading:has-text('No people found')")
    _shot(page, "5-no-results")

    assert page.problems == []  # type: ignore[attr-defined]
    # The page writes nothing to the console, so no personal data can end up there.
    assert page.console_messages == []  # type: ignore[attr-defined]


def test_graphql_errors_are_shown_in_an_error_summary(live_stack, page):
    # Only wildcard characters: the API answers BAD_USER_INPUT, which the page shows as a GOV.UK error summary.
    page.goto(f"{live_stack.base_url}/#/search?name=%2A%25%3F")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert "Enter a name" in summary.inner_text()
    _shot(page, "6-error-summary")
