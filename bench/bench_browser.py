"""The web client in a real browser on the demo town: how quickly a social worker gets from pressing Search to the
person's services, how many actions from the sign-in page to the lead practitioner's phone number, and how much
each page ships. Run on purpose (it is not a test) against a running `family-context demo` / `serve`:

    FC_VAR_DIR=... FC_PORT=... FC_DEV_IDP_PORT=... .venv/bin/python bench/bench_browser.py --searches 20

It samples children with an open LCS case from the demo extracts, signs in as the demo social worker through the
development identity provider, and for each child:
  - case ID: fills the case ID, presses Search, picks the purpose (asked once per person per session), and waits
    for the services accordion and the "Who to contact" phone link;
  - name: fills "surname forename", presses Search, waits for the results, opens the child (purpose already given),
    and waits for the services;
  - repeat visit: opens the child again from the search page by case ID (no purpose asked).
Times are from the Search press to the services on screen, including the automated purpose click (a person takes
longer to choose; the page's own share is what is measured). Prints one JSON document.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from family_context.settings import get_settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
USER, PASSWORD = "social.worker", "demo-social-worker"


def children(extracts: Path, n: int, seed: int) -> list[dict[str, str]]:
    with (extracts / "childrens_social_care.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["person_type"] == "child" and r["case_status"] == "open"]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def stats(ms: list[float]) -> dict[str, Any]:
    if not ms:
        return {"n": 0}
    ordered = sorted(ms)
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 1), "min_ms": round(ordered[0], 1),
            "p90_ms": round(ordered[min(len(ordered) - 1, int(0.9 * (len(ordered) - 1) + 0.5))], 1),
            "max_ms": round(ordered[-1], 1)}


def weigh(responses: dict[str, bytes]) -> dict[str, Any]:
    """Raw and gzip -9 bytes of what the page loaded, by kind (fonts are already compressed)."""
    kinds: dict[str, dict[str, int]] = {}
    for url, body in responses.items():
        path = url.split("?", 1)[0]
        kind = ("font" if path.endswith((".woff2", ".woff")) else "graph library" if "/cytoscape/" in path
                else "govuk-frontend" if "/govuk-frontend/" in path else "api" if path.endswith(("/graphql", "/session"))
                else "page (html, css, modules)")
        k = kinds.setdefault(kind, {"files": 0, "raw_bytes": 0, "gzip_bytes": 0})
        k["files"] += 1
        k["raw_bytes"] += len(body)
        k["gzip_bytes"] += len(gzip.compress(body, 9))
    shipped = {k: v for k, v in kinds.items() if k != "api"}
    total = {"raw_bytes": sum(v["raw_bytes"] for v in shipped.values()),
             "gzip_bytes": sum(v["gzip_bytes"] for v in shipped.values())}
    total["gzip_bytes_without_fonts"] = total["gzip_bytes"] - shipped.get("font", {}).get("gzip_bytes", 0)
    return {"by_kind": kinds, "total_excluding_api": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--base-url", default=None)
    args = parser.parse_args()
    settings = get_settings()
    base = (args.base_url or settings.app_url).rstrip("/")
    sample = children(settings.var_dir / "demo" / "extracts", args.searches, args.seed)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30_000)
        loaded: dict[str, bytes] = {}

        def keep(response) -> None:
            if response.request.method == "GET" and response.ok and response.url.startswith(base):
                try:
                    loaded[response.url] = response.body()
                except Exception:  # redirects have no body
                    pass
        page.on("response", keep)

        # --- user actions from the sign-in page to the lead practitioner's phone number (case ID route) ---------
        actions: list[str] = []
        page.goto(f"{base}/")
        page.wait_for_selector("#username")
        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        actions.append("sign in (username and password, then Sign in; with council SSO already signed in: none)")
        page.wait_for_selector("h1:has-text('Find a person')")
        first = sample[0]
        page.get_by_label("Case ID").fill(first["lcs_id"])
        page.get_by_role("button", name="Search").click()
        actions.append("search by case ID (type it, press Search)")
        page.wait_for_selector(".fc-purposes")
        page.locator(".fc-purpose").first.click()
        actions.append("choose the purpose of access (one click)")
        phone = page.locator(".fc-contacts a[href^='tel:']").first
        phone.wait_for()
        phone_visible = phone.is_visible() and phone.bounding_box()["y"] < 900 * 1.5
        search_page_weight = None

        # --- timings --------------------------------------------------------------------------------------------
        by_case_id, by_name, repeat = [], [], []
        for child in sample[1:] + [first]:
            page.goto(f"{base}/#/")
            page.wait_for_selector("#caseId")
            page.fill("#caseId", child["lcs_id"])
            started = time.perf_counter()
            page.get_by_role("button", name="Search").click()
            if child is not first:
                page.wait_for_selector(".fc-purposes")
                page.locator(".fc-purpose").first.click()
            page.wait_for_selector(".fc-services .govuk-accordion__section")
            elapsed = (time.perf_counter() - started) * 1000
            (repeat if child is first else by_case_id).append(elapsed)

        for child in sample:
            page.goto(f"{base}/#/")
            page.wait_for_selector("#name")
            page.fill("#name", f"{child['surname']} {child['forename']}")
            started = time.perf_counter()
            page.get_by_role("button", name="Search").click()
            page.wait_for_selector("#results-heading")
            link = page.locator(".fc-results tbody tr").filter(has_text=child["lcs_id"]).locator("a").first
            if link.count() == 0:
                continue  # the name search did not find this child in the first page of results
            link.click()
            page.wait_for_selector(".fc-services .govuk-accordion__section")
            by_name.append((time.perf_counter() - started) * 1000)

        repeat_ids = []
        for child in sample[1:]:
            page.goto(f"{base}/#/search?caseId={child['lcs_id']}")
            started = time.perf_counter()
            page.wait_for_selector(".fc-services .govuk-accordion__section")
            repeat_ids.append((time.perf_counter() - started) * 1000)

        # --- page weight: a fresh context (empty cache) per page ------------------------------------------------
        weights = {}
        for name, route, ready in [
            ("search", "#/", "#name"),
            ("person", f"#/search?caseId={first['lcs_id']}", ".fc-services"),
            ("family network", None, "#network-graph[data-rendered]"),
        ]:
            fresh = browser.new_context(viewport={"width": 1280, "height": 900})
            fresh.add_cookies(context.cookies())
            fresh_page = fresh.new_page()
            got: dict[str, bytes] = {}

            def keep_fresh(response, got=got) -> None:
                if response.request.method == "GET" and response.ok and response.url.startswith(base):
                    try:
                        got[response.url] = response.body()
                    except Exception:
                        pass
            fresh_page.on("response", keep_fresh)
            if route is None:
                person_id = page.evaluate("location.hash.split('/')[2]")
                route = f"#/person/{person_id}/network"
            fresh_page.goto(f"{base}/{route}")
            if fresh_page.locator(".fc-purposes").count() or name != "search":
                try:
                    fresh_page.wait_for_selector(f"{ready}, .fc-purposes", timeout=15_000)
                    if fresh_page.locator(".fc-purposes").count():
                        fresh_page.locator(".fc-purpose").first.click()
                except Exception:
                    pass
            fresh_page.wait_for_selector(ready)
            fresh_page.wait_for_load_state("networkidle")
            weights[name] = weigh(got)
            fresh.close()
        search_page_weight = weights
        browser.close()

    print(json.dumps({
        "base_url": base,
        "searches": len(sample),
        "search_to_services_ms": {
            "case_id_first_visit_with_purpose_click": stats(by_case_id),
            "case_id_repeat_visit": stats(repeat_ids),
            "name_search_then_open_child": stats(by_name),
        },
        "target_median_ms": 1000,
        "actions_sign_in_page_to_lead_practitioner_phone": {"count": len(actions), "steps": actions,
                                                             "phone_link_in_first_screenful": phone_visible,
                                                             "target": 4},
        "page_weight": search_page_weight,
    }, indent=2))


if __name__ == "__main__":
    main()
