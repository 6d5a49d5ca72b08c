"""What every browser test shares: Debian's Chromium driven by Playwright, a page that collects problems (script
errors, failed requests, HTTP errors, console messages), the development identity provider's sign-in, screenshots
and an axe-core scan. Test modules import the fixtures they use (`from tests.browser_support import browser, ...`)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable, Iterator

import pytest

from family_context.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 60_000  # generous: the test machine is shared and sometimes very busy
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


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


@pytest.fixture
def new_page(browser, live_stack) -> Iterator[Callable[..., object]]:
    """new_page() -> a page in a fresh browser context; whatever goes wrong on it is collected in `page.problems`."""
    contexts = []

    def make(accept_downloads: bool = False):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                      accept_downloads=accept_downloads)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.problems = watch_for_problems(page)  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


def watch_for_problems(page) -> list[str]:
    """A list that fills with anything a user could notice going wrong: script errors, failed requests, HTTP errors
    and console messages (the client never logs, so any console output is a problem)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}")
            if not request.url.startswith("blob:") else None)
    page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 else None)
    page.on("console", lambda message: problems.append(f"console: {message.text}"))
    return problems


def sign_in(page, live_stack, username: str) -> None:
    """Sign in through the development identity provider's form, as a social worker does with their SSO, and wait
    until the first page has settled: a navigation straight after would otherwise cancel its /session request."""
    from family_context.dev_idp import DEMO_USERS

    page.goto(f"{live_stack.base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_USERS[username].password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_stack.base_url}/")
    page.wait_for_selector("#app h1")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe(page, live_stack, name: str) -> None:
    """axe-core (WCAG 2.0-2.2 A and AA rules) on the page as it is: no serious or critical violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Served by the app from node_modules (a devDependency), so the page's strict CSP allows it.
        page.add_script_tag(url=f"{live_stack.base_url}/vendor/axe-core/axe.min.js")
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""", AXE_RULES)
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe-core on {name}: {bad}"


def give_purpose(page, label: str = "Deciding what to do with a new referral") -> None:
    """The purpose of access, asked once per person per session, answered in one click."""
    page.wait_for_selector("h1:has-text('Why are you looking at this record?')")
    page.get_by_role("button", name=label).click()


def words(text: str) -> str:
    """Lower case, letters only, single spaces: names compare the same whatever the case or punctuation."""
    return " ".join(re.sub(r"[^a-z]+", " ", text.casefold()).split())


def display_name(live_stack, person_id: str) -> str:
    """The name linkage settled on for a person, as the API gives it."""
    body = live_stack.graphql("query($id: ID!) { person(id: $id) { displayName } }", {"id": person_id})
    return body["data"]["person"]["displayName"]
