"""Every page of the web client in a real browser (Debian Chromium via Playwright) against the live stack and the
development identity provider: the journey from sign-in to the contact list (and the CSV), a case-ID search, a
denied field, the family network, the analyst, IG and data pages, the whole journey by keyboard alone, and an
axe-core scan of each page (no serious or critical violation). Screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from family_context.dev_idp import DEMO_USERS
from tests.browser_support import axe, browser, give_purpose, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration


def test_journey_from_sign_in_to_the_contact_list(live_stack, demo_child, new_page):
    page = new_page(accept_downloads=True)
    page.goto(f"{live_stack.base_url}/")
    page.wait_for_selector("#username")
    shot(page, "10-sign-in")
    sign_in(page, live_stack, "social.worker")
    assert page.locator("h1").inner_text() == "Find a person"
    assert "Sam Okafor" in page.locator(".govuk-service-navigation").inner_text()
    axe(page, live_stack, "search")
    shot(page, "11-search")

    page.get_by_label("Name").fill(f"{demo_child['last_name']} {demo_child['first_name']}")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#results-heading")
    axe(page, live_stack, "results")
    shot(page, "12-results")

    page.locator(f".fc-results a[href='#/person/{demo_child['person_id']}']").click()
    page.wait_for_selector("h1:has-text('Why are you looking at this record?')")
    axe(page, live_stack, "purpose")
    shot(page, "13-purpose")
    give_purpose(page)
    page.wait_for_selector(".fc-services .govuk-accordion__section")
    assert page.url.endswith(f"#/person/{demo_child['person_id']}")

    # Who to contact: the allocated social worker with a click-to-call link; services say where each fact came from.
    contacts = page.locator(".fc-contacts")
    assert demo_child["allocated_worker"] in contacts.inner_text()
    row = contacts.locator("tr", has_text=demo_child["allocated_worker"]).first
    assert row.locator("a[href^='tel:']").count() == 1
    # The quiet confidence line, and why the records are thought to be one person.
    assert re.search(r"Matched from \d+ records? in \d+ systems?", page.locator(".fc-confidence").inner_text())
    page.locator(".fc-confidence summary").click()
    assert page.locator(".fc-records tbody tr").count() >= 1
    assert re.search(r"\d+(\.\d)?%", page.locator(".fc-records").inner_text())
    # Family and household, each relative with their own services and a link to their page.
    family = page.locator(".fc-family")
    for parent in demo_child["parents"]:
        parent_row = family.locator(f"tr[data-person-id='{parent['person_id']}']")
        assert parent_row.count() == 1
        assert parent_row.locator(f"a[href='#/person/{parent['person_id']}']").count() == 1
    assert page.locator(".fc-family .fc-flag").count() >= 1
    assert page.get_by_role("link", name="Report a problem with this information").count() == 1
    axe(page, live_stack, "person")
    page.locator(".govuk-accordion__show-all").click()
    social_care = page.locator(".fc-services [data-service='childrens_social_care']")
    assert re.search(r"Correct as of \d{1,2} [A-Z][a-z]+ \d{4}, covering", social_care.inner_text())
    axe(page, live_stack, "person, services open")
    shot(page, "14-person")

    # Team around the child in one click: every practitioner, ready to copy, print or download.
    page.get_by_role("button", name="Team around the child").click()
    page.wait_for_selector(".fc-team")
    team_text = page.locator(".fc-team").inner_text()
    assert demo_child["allocated_worker"] in team_text
    axe(page, live_stack, "team around the child")
    shot(page, "15-team-around-the-child")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows and list(rows[0]) == ["Name", "Role", "Team", "Phone", "Email", "Services", "Involved with"]
    assert demo_child["allocated_worker"] in {r["Name"] for r in rows}
    assert page.locator(".fc-team tbody tr").count() == len(rows)
    # The print stylesheet leaves out the service's chrome and the buttons.
    page.emulate_media(media="print")
    assert not page.locator(".fc-team-actions").is_visible()
    assert not page.locator(".govuk-template__header").is_visible()
    page.emulate_media(media="screen")

    # Back on the person, the purpose is not asked again in this session.
    page.get_by_role("link", name="Back to the person").click()
    page.wait_for_selector(".fc-services")
    assert page.problems == []  # type: ignore[attr-defined]


def test_case_id_search_goes_straight_to_the_person(live_stack, demo_child, new_page):
    page = new_page()
    sign_in(page, live_stack, "social.worker")
    page.get_by_label("Case ID").fill(demo_child["lcs_id"])
    page.get_by_role("button", name="Search").click()
    give_purpose(page, "Work on an allocated case")
    page.wait_for_selector(".fc-services")
    assert page.url.endswith(f"#/person/{demo_child['person_id']}")
    assert demo_child["lcs_id"] in page.locator(".fc-person-summary").inner_text()
    # The phone number of the lead practitioner is on screen without opening anything.
    assert page.locator(".fc-contacts a[href^='tel:']").first.is_visible()
    shot(page, "16-case-id-person")
    assert page.problems == []  # type: ignore[attr-defined]


def test_denied_fields_are_withheld_and_said_so(live_stack, demo_child, new_page):
    # A data manager may identify a person but not read their services, family or numbers: the page asks only for
    # what the live permission matrix allows, and says plainly what is withheld.
    page = new_page()
    sign_in(page, live_stack, "data.manager")
    page.get_by_label("Case ID").fill(demo_child["lcs_id"])
    page.get_by_role("button", name="Search").click()
    give_purpose(page, "Checking or correcting the data")
    page.wait_for_selector(".fc-person-summary")
    withheld = page.locator(".fc-withheld").all_inner_texts()
    assert any("service involvement" in t for t in withheld), withheld
    assert page.locator(".fc-services").count() == 0 and page.locator(".fc-contacts").count() == 0
    assert page.get_by_role("button", name="Team around the child").count() == 0
    axe(page, live_stack, "person (data manager)")
    shot(page, "17-denied-data-manager")
    assert page.problems == []  # type: ignore[attr-defined]

    # A social worker asking for the network beyond one step is refused by the server; the page says why.
    page = new_page()
    sign_in(page, live_stack, "social.worker")
    page.goto(f"{live_stack.base_url}/#/person/{demo_child['person_id']}/network?depth=2&links=FAMILY")
    give_purpose(page)
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "may not read" in summary.inner_text()
    assert "MASSH analysts" in page.locator("#app").inner_text()
    axe(page, live_stack, "network refused")
    shot(page, "18-denied-network-depth")


def test_family_network_renders_with_a_table_alternative(live_stack, demo_child, new_page):
    page = new_page()
    sign_in(page, live_stack, "massh.analyst")
    page.goto(f"{live_stack.base_url}/#/person/{demo_child['person_id']}/network")
    give_purpose(page, "MASSH analysis for a multi-agency decision")
    graph = page.locator("#network-graph[data-rendered]")
    graph.wait_for()
    people = page.locator(".fc-network-people tbody tr")
    assert int(graph.get_attribute("data-rendered")) >= people.count() >= 3  # the child and both parents
    assert page.locator("#network-graph canvas").count() >= 1
    for parent in demo_child["parents"]:
        assert page.locator(f".fc-network-people tr[data-person-id='{parent['person_id']}']").count() == 1
    assert page.locator(".fc-network-links tbody tr").count() >= 2
    axe(page, live_stack, "network")
    shot(page, "19-network")

    # Analysts go further: two steps, with addresses.
    page.select_option("#depth", "2")
    page.get_by_label("Addresses").check()
    page.get_by_role("button", name="Update the network").click()
    page.wait_for_url(re.compile(r"depth=2"))
    page.wait_for_selector("#network-graph[data-rendered]")
    assert page.locator(".fc-network-people tbody tr").count() >= people.count()
    shot(page, "20-network-depth-2")

    # Selecting a person in the graph opens their page: the tables carry the same links for keyboard users.
    parent = demo_child["parents"][0]["person_id"]
    page.locator(f".fc-network-people tr[data-person-id='{parent}'] a").click()
    give_purpose(page, "MASSH analysis for a multi-agency decision")
    page.wait_for_selector(".fc-services")
    assert page.problems == []  # type: ignore[attr-defined]


def test_analyst_relationship_queries(live_stack, demo_child, new_page):
    page = new_page()
    sign_in(page, live_stack, "massh.analyst")
    page.get_by_role("link", name="Relationship queries").first.click()
    page.get_by_label("Start from a person").fill(demo_child["lcs_id"])
    page.get_by_role("button", name="Find").click()
    page.locator("table a", has_text=re.compile(".")).first.click()
    give_purpose(page, "MASSH analysis for a multi-agency decision")
    page.wait_for_selector("#concern")
    assert page.locator("h2#addresses").count() == 1
    # The child shares an address with the parents: the shared-address page lists it, with them.
    shared = page.locator("table", has=page.locator("caption:has-text('Addresses shared with other people')"))
    assert demo_child["parents"][0]["person_id"] in shared.inner_html()
    # People at the person's most recent address.
    page.locator("#addresses + ul a").first.click()
    page.wait_for_selector("caption:has-text('Everyone recorded at')")
    # How the child is connected to one of the parents.
    page.get_by_label("The other person (name or case ID)").fill(demo_child["parents"][0]["last_name"])
    page.get_by_role("button", name="Find connections").click()
    page.wait_for_selector("caption:has-text('Choose the other person')")
    axe(page, live_stack, "analyst")
    shot(page, "21-analyst")
    assert page.problems == []  # type: ignore[attr-defined]


def test_ig_pages_permission_matrix_and_audit(live_stack, new_page):
    page = new_page()
    sign_in(page, live_stack, "ig.reviewer")
    assert page.get_by_role("link", name="Find a person").count() == 0  # IG reviewers do not read people
    page.get_by_role("link", name="Who can see what").first.click()
    page.wait_for_selector(".fc-matrix")
    person_table = page.locator(".fc-matrix[data-type='Person']")
    assert person_table.count() == 1 and "services" in person_table.inner_text()
    axe(page, live_stack, "permission matrix")
    shot(page, "22-permission-matrix")

    page.get_by_role("link", name="Audit").first.click()
    page.get_by_label("What happened").select_option("person_viewed")
    page.get_by_role("button", name="Search the audit").click()
    page.wait_for_selector("#audit-results")
    axe(page, live_stack, "audit")
    shot(page, "23-audit")
    assert page.problems == []  # type: ignore[attr-defined]


def test_data_sources_page(live_stack, new_page):
    page = new_page()
    sign_in(page, live_stack, "data.manager")
    page.get_by_role("link", name="Data sources").first.click()
    page.wait_for_selector(".fc-sources")
    assert page.locator(".fc-sources tbody tr").count() >= 5
    axe(page, live_stack, "data sources")
    shot(page, "24-data-sources")
    assert page.problems == []  # type: ignore[attr-defined]


def test_whole_journey_by_keyboard_alone(live_stack, demo_child, new_page):
    """Sign in, search, open the child, give the purpose, reach the lead practitioner's phone number, open the team
    around the child: only key presses (Tab, Enter, Space, typing), never a click."""
    page = new_page()
    page.goto(f"{live_stack.base_url}/")
    page.wait_for_selector("#username")
    kb = page.keyboard

    def tab_to(predicate: str, limit: int = 80, key: str = "Tab") -> None:
        for _ in range(limit):
            kb.press(key)
            if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate}); }})()"):
                return
        raise AssertionError(f"Tab never reached: {predicate}")

    tab_to("el.id === 'username'")
    kb.type("social.worker")
    tab_to("el.id === 'password'")
    kb.type(DEMO_USERS["social.worker"].password)
    kb.press("Enter")
    page.wait_for_selector("h1:has-text('Find a person')")

    tab_to("el.id === 'name'")
    kb.type(f"{demo_child['last_name']} {demo_child['first_name']}")
    kb.press("Enter")
    page.wait_for_selector("#results-heading")
    tab_to(f"el.getAttribute('href') === '#/person/{demo_child['person_id']}'")
    kb.press("Enter")
    page.wait_for_selector(".fc-purposes")
    tab_to("el.dataset && el.dataset.purpose === 'referral'")
    kb.press("Enter")
    page.wait_for_selector(".fc-services")
    tab_to("el.closest && !!el.closest('.fc-contacts') && el.getAttribute('href').startsWith('tel:')")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.startswith("tel:")
    # Open every service section by keyboard.
    tab_to("el.classList.contains('govuk-accordion__show-all')", limit=200)
    kb.press("Enter")
    assert page.locator(".fc-services .govuk-accordion__section-content").first.is_visible()
    shot(page, "25-keyboard-person")
    tab_to("el.textContent.trim() === 'Team around the child'", limit=300, key="Shift+Tab")
    kb.press("Enter")
    page.wait_for_selector(".fc-team")
    tab_to("el.id === 'copy-team'")
    assert page.problems == []  # type: ignore[attr-defined]


def test_report_a_problem_from_the_person_page(live_stack, demo_child, new_page):
    """The link on every person page leads to the report form (docs/operations.md); once sent, the reporter sees it
    in their reports. While the service does not offer reports, the page says so plainly instead of failing."""
    page = new_page()
    sign_in(page, live_stack, "social.worker")
    page.goto(f"{live_stack.base_url}/#/person/{demo_child['person_id']}")
    give_purpose(page)
    page.get_by_role("link", name="Report a problem with this information").click()
    page.wait_for_selector("h1:has-text('Report a problem with this information')")
    if page.locator("#report-form").count() == 0:
        assert "does not take reports yet" in page.locator("#app").inner_text()
        axe(page, live_stack, "report a problem (not offered)")
        shot(page, "26-report-not-offered")
        return
    # Sending without choosing shows a GOV.UK error summary linked to the fields.
    page.get_by_role("button", name="Send the report").click()
    page.locator(".govuk-error-summary").wait_for()
    axe(page, live_stack, "report a problem (errors)")
    page.locator("input[name='source']").first.check()
    page.select_option("#category", index=1)
    page.get_by_label("What should it say? (optional)").fill("The date of birth differs from the school's record.")
    shot(page, "26-report-form")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_selector("h1:has-text('Report sent')")
    axe(page, live_stack, "report sent")
    page.locator("#app").get_by_role("link", name="your reports").click()
    page.wait_for_selector(".fc-my-reports")
    assert page.locator(".fc-my-reports tbody tr").count() >= 1
    shot(page, "27-your-reports")
    assert page.problems == []  # type: ignore[attr-defined]

    # The data manager takes it from the queue and resolves it; the reporter sees the outcome.
    manager = new_page()
    sign_in(manager, live_stack, "data.manager")
    manager.get_by_role("link", name="Problem reports").first.click()
    manager.locator("[data-take]").first.wait_for()
    report_id = manager.locator("[data-take]").first.get_attribute("data-take")
    manager.locator(f"[data-take='{report_id}']").click()
    form = manager.locator(f"form[data-resolve='{report_id}']")
    form.wait_for()
    axe(manager, live_stack, "problem queue")
    shot(manager, "28-problem-queue")
    form.get_by_label("Outcome").select_option("no_change_needed")
    form.get_by_role("button", name="Resolve").click()
    manager.wait_for_url(re.compile(r"#/data/problems$"))
    manager.wait_for_selector(f"[data-report='{report_id}'] .govuk-tag:has-text('resolved')")
    assert manager.problems == []  # type: ignore[attr-defined]
    page.reload()
    page.wait_for_selector(".fc-my-reports")
    assert "Not yet" not in page.locator(".fc-my-reports tbody tr").first.inner_text() or \
        page.locator(".fc-my-reports tbody tr").count() > 1


# True once the people-at-the-address table shows a first row other than `old` (the next page has rendered).
NEXT_PAGE_SHOWN = """old => {
  const caption = [...document.querySelectorAll('caption')].find((c) => c.textContent.includes('people recorded at'));
  const first = caption && caption.closest('table').querySelector('tbody a');
  return Boolean(first) && first.getAttribute('href') !== old;
}"""


def test_analyst_pages_through_everyone_at_a_busy_address(live_stack, new_page):
    """An address with more people than one page: the table says how many there are in all, and Next page / First
    page reach every one of them. The demo town's addresses hold fewer people than the client's page size (100),
    so this page asks for 2 at a time: the same client code, its served GraphQL document edited on the way."""
    from neo4j import GraphDatabase

    s = live_stack.settings
    with GraphDatabase.driver(s.neo4j_uri, auth=(s.neo4j_user, s.neo4j_password)) as driver:
        busiest = driver.execute_query("""
            MATCH (g:Published {id: 'graph'}) MATCH (a:Address {run: g.run})<-[:LIVES_AT]-(p:Person)
            WITH a, collect(p.id) AS people ORDER BY size(people) DESC LIMIT 1
            RETURN a.id AS address, people""").records[0]
    everyone = set(busiest["people"])
    assert len(everyone) >= 3

    def two_a_page(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("first: 100", "first: 2"))

    page = new_page()
    page.route("**/queries.js", two_a_page)
    sign_in(page, live_stack, "massh.analyst")
    page.goto(f"{live_stack.base_url}/#/analyst?person={busiest['people'][0]}&address={busiest['address']}")
    give_purpose(page, "MASSH analysis for a multi-agency decision")
    seen: list[str] = []
    for number in range((len(everyone) + 1) // 2):
        caption = page.locator(f"caption:has-text('{len(everyone)} people recorded at')")
        caption.wait_for()
        table = page.locator("table", has=caption)
        seen.extend(unquote(href.rsplit("/", 1)[-1]) for href in table.locator("tbody a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"))
        if number == 0:
            assert page.get_by_role("link", name="First page").count() == 0
        if number < (len(everyone) + 1) // 2 - 1:
            first_row = table.locator("tbody a").first.get_attribute("href")
            page.get_by_role("link", name="Next page").click()
            page.wait_for_function(NEXT_PAGE_SHOWN, arg=first_row)
    assert page.get_by_role("link", name="Next page").count() == 0
    assert len(seen) == len(set(seen)) and set(seen) == everyone
    page.get_by_role("link", name="First page").click()
    page.locator(f"caption:has-text('{len(everyone)} people recorded at')").wait_for()
    assert page.problems == []  # type: ignore[attr-defined]


def test_more_search_results_after_the_first_twenty(live_stack, common_surname, new_page):
    """A common surname matches more people than one page: *More results* shows the next twenty closest matches
    (none of the first twenty again), and *First results* goes back."""
    page = new_page()
    sign_in(page, live_stack, "social.worker")
    page.goto(f"{live_stack.base_url}/#/search?name={common_surname}")
    page.wait_for_selector("#results-heading:has-text('20 people found')")
    first_ids = page.locator(".fc-results tbody tr").evaluate_all("rows => rows.map(r => r.dataset.personId)")
    assert len(first_ids) == 20 and "closest matches" in page.locator(".govuk-inset-text").inner_text()
    assert page.get_by_role("link", name="First results").count() == 0
    page.get_by_role("link", name="More results").click()
    page.wait_for_selector("#results-heading:has-text('More people found')")
    next_ids = page.locator(".fc-results tbody tr").evaluate_all("rows => rows.map(r => r.dataset.personId)")
    assert next_ids and not set(next_ids) & set(first_ids)
    assert "after=" in page.url
    axe(page, live_stack, "search, more results")
    shot(page, "12-search-more-results")
    page.get_by_role("link", name="First results").click()
    page.wait_for_selector("#results-heading:has-text('20 people found')")
    assert page.locator(".fc-results tbody tr").evaluate_all("rows => rows.map(r => r.dataset.personId)") == first_ids
    assert page.problems == []  # type: ignore[attr-defined]
