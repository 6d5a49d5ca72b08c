"""Browser tests for the pages of team managers and data managers beyond the person journey: the usage report (with
its chart, tables and CSV download) and the match review queue (recording a decision). Real app, Neo4j and
development IdP (live_stack); Debian's Chromium through Playwright; axe-core on each page; screenshots 30- to 35-."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from tests.browser_support import axe, browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration


def _row(page, table_id: str, heading: str) -> dict[str, str]:
    """A row of one of the usage tables as {column header: cell text}."""
    table = page.locator(f"#{table_id}")
    headers = [h.inner_text().strip() for h in table.locator("thead th").all()]
    row = table.locator("tbody tr", has=page.locator("th", has_text=heading)).first
    cells = [c.inner_text().strip() for c in row.locator("th, td").all()]
    return dict(zip(headers, cells))


def test_team_manager_sees_today_s_usage_and_downloads_it(live_stack, demo_child, new_page):
    page = new_page(accept_downloads=True)
    sign_in(page, live_stack, "team.manager")
    # Some use to count: two searches as the team manager (a sign-in has just happened).
    for _ in range(2):
        page.get_by_label("Name").fill(demo_child["last_name"])
        page.get_by_role("button", name="Search").click()
        page.wait_for_selector("#results-heading")
    page.get_by_role("link", name="Usage").first.click()
    page.wait_for_selector("#usage-results")
    assert page.locator("h1").inner_text() == "Usage"
    assert "Front Door" in page.locator("#usage-results h2").inner_text()  # a team manager sees their own team
    today = _row(page, "usage-by-day", date.today().strftime("%-d %B %Y"))
    assert int(today["Sign-ins"]) >= 1 and int(today["Searches"]) >= 2, today
    manager = _row(page, "usage-by-user", "Priya Shah")
    assert int(manager["Sign-ins"]) >= 1 and int(manager["Searches"]) >= 2, manager
    # The chart draws the by-day table: one group of bars per day with activity.
    assert page.locator(".fc-chart svg g").count() == page.locator("#usage-by-day tbody tr").count()
    axe(page, live_stack, "usage")
    shot(page, "30-usage")

    # Another grouping through the form; the download follows it.
    page.get_by_label("Chart and download by").select_option("user")
    page.get_by_role("button", name="Show usage").click()
    page.wait_for_url("**by=user")
    page.wait_for_selector("#usage-results")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV (by user)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("usage-user-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    mine = [r for r in rows if r["name"] == "Priya Shah"]
    assert mine and int(mine[0]["sign_ins"]) >= 1 and int(mine[0]["searches"]) >= 2
    assert {r["team"] for r in rows} == {"Front Door"}
    assert demo_child["last_name"] not in Path(download.path()).read_text(encoding="utf-8")
    shot(page, "31-usage-by-user")
    assert page.problems == []  # type: ignore[attr-defined]


def test_usage_form_says_what_is_wrong_with_the_dates(live_stack, new_page):
    page = new_page()
    sign_in(page, live_stack, "team.manager")
    page.goto(f"{live_stack.base_url}/#/reports/usage?since=2026-11-20&until=2026-11-01")
    page.wait_for_selector(".govuk-error-summary")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The last day must be the same as or after the first day" in summary
    assert page.locator("#usage-results").count() == 0
    axe(page, live_stack, "usage with an error")
    shot(page, "32-usage-error")


def test_usage_is_offered_only_to_the_roles_that_may_read_it(live_stack, new_page):
    page = new_page()
    sign_in(page, live_stack, "social.worker")
    assert page.get_by_role("link", name="Usage").count() == 0
    assert page.get_by_role("link", name="Match review").count() == 0
    page.goto(f"{live_stack.base_url}/#/reports/usage")
    page.wait_for_selector(".govuk-error-summary")  # the server refuses; the page says so instead of failing
    assert "usage reports are for" in page.locator(".govuk-error-summary").inner_text().lower()


def test_data_manager_records_a_decision_in_the_match_review_queue(live_stack, new_page):
    page = new_page()
    sign_in(page, live_stack, "data.manager")
    page.get_by_role("link", name="Match review").first.click()
    page.wait_for_selector(".fc-review-pair")
    assert "applies at the next linkage run" in page.locator(".govuk-inset-text").inner_text()
    waiting = page.locator(".fc-review-pair").count()
    first = page.locator(".fc-review-pair").first
    pair_id = first.get_attribute("data-pair")
    assert first.locator(".fc-review-comparisons tbody tr").count() >= 4
    assert first.locator("a[href^='#/person/']").count() == 2
    axe(page, live_stack, "match review")
    shot(page, "33-match-review")

    first.get_by_role("button", name="Not the same person").click()
    page.wait_for_selector(".govuk-notification-banner--success")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "not the same person" in banner and "applies at the next linkage run" in banner
    # The pair has left the waiting list and shows, decided, among the decided ones.
    assert page.locator(f".fc-review-pair[data-pair='{pair_id}']").count() == 0
    assert page.locator(".fc-review-pair").count() in (waiting - 1, waiting)  # the next page may move one up
    axe(page, live_stack, "match review after a decision")
    shot(page, "34-match-review-decided")
    page.get_by_role("link", name="decided since the run").click()
    decided = page.locator(f".fc-review-pair[data-pair='{pair_id}']")
    decided.wait_for()
    assert "Not the same person" in decided.inner_text() and "Applies at the next linkage run" in decided.inner_text()
    assert decided.get_by_role("button").count() == 0
    shot(page, "35-match-review-decided-list")
    assert page.problems == []  # type: ignore[attr-defined]


def test_match_review_decision_by_keyboard_alone(live_stack, new_page):
    """Tab to the first pair's "Same person" button and press Enter: no mouse needed."""
    page = new_page()
    sign_in(page, live_stack, "data.manager")
    page.goto(f"{live_stack.base_url}/#/data/review")
    page.wait_for_selector(".fc-review-pair")
    pair_id = page.locator(".fc-review-pair").first.get_attribute("data-pair")
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.dataset.decide || ''")
        if focused == "same":
            break
    else:
        pytest.fail("Tab never reached a Same person button")
    assert page.evaluate("document.activeElement.closest('.fc-review-pair').dataset.pair") == pair_id
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert "are the same person" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(f".fc-review-pair[data-pair='{pair_id}']").count() == 0
    assert page.problems == []  # type: ignore[attr-defined]
