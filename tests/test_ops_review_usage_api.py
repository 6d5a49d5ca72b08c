"""Over HTTP against the live stack: a browser sign-in is counted by usageReport, and the data manager's match
review queue (read, page, decide, audit, permissions). Marked integration like the other live-stack tests."""
from __future__ import annotations

import csv
from datetime import date, timedelta

import httpx2
import pytest

from tests.test_auth_web import browser_sign_in

pytestmark = pytest.mark.integration

USAGE = """query Usage($a: Date!, $b: Date!) { usageReport(since: $a, until: $b) {
  totals { signIns searches } byDay { key signIns } byUser { key name signIns } } }"""
QUEUE = """query Queue($status: MatchReviewStatus!, $first: Int!, $after: Int!) {
  matchReviewQueue(status: $status, first: $first, after: $after) {
    total pending nextAfter runAt bandLow bandHigh
    pairs { id reason reasonLabel matchProbability linkedNow
            recordA { source recordId personId } recordB { source recordId personId }
            comparisons { comparison level matchWeight effect } decision { decision decidedAt decidedBy } } } }"""
DECIDE = """mutation Decide($a: String!, $b: String!, $d: MatchVerdict!) {
  decideMatch(recordA: $a, recordB: $b, decision: $d) { id decision { decision decidedBy } } }"""
AUDIT = """query($event: String) { auditEvents(event: $event, first: 50) { events { event actor whom fields outcome } } }"""
AUDIT_SIGN_IN = """query($event: String) { auditEvents(event: $event, first: 5) {
  events { event actor whom fields outcome operation requestId } } }"""


def _today_span() -> dict[str, str]:
    today = date.today()
    return {"a": (today - timedelta(days=1)).isoformat(), "b": (today + timedelta(days=1)).isoformat()}


def test_a_browser_sign_in_is_audited_and_counted_in_the_usage_report(live_stack):
    before = live_stack.graphql(USAGE, _today_span(), role="data_manager")["data"]["usageReport"]
    client = browser_sign_in(live_stack, "assessment.worker")
    assert client.get(f"{live_stack.base_url}/session").json()["signedIn"] is True
    after = live_stack.graphql(USAGE, _today_span(), role="data_manager")["data"]["usageReport"]
    assert after["totals"]["signIns"] == before["totals"]["signIns"] + 1
    worker = [u for u in after["byUser"] if u["name"] == "Chris Doyle"]
    assert worker and worker[0]["signIns"] >= 1, after["byUser"]
    # The audit row says who, when and how it went; it names no person and no field.
    events = live_stack.graphql(AUDIT, {"event": "sign_in"}, role="ig_reviewer")["data"]["auditEvents"]["events"]
    assert events and events[0]["outcome"] == "ok" and events[0]["whom"] == [] and events[0]["fields"] == []


def test_team_manager_sees_own_team_sign_ins_and_csv(live_stack):
    browser_sign_in(live_stack, "team.manager")
    report = live_stack.graphql(USAGE, _today_span(), role="team_manager")["data"]["usageReport"]
    assert report["totals"]["signIns"] >= 1
    assert any(d["key"] == date.today().isoformat() and d["signIns"] >= 1 for d in report["byDay"])


def test_match_review_queue_is_for_data_managers_only(live_stack):
    variables = {"status": "PENDING", "first": 5, "after": 0}
    for role in ("social_worker", "team_manager", "massh_analyst", "ig_reviewer"):
        body = live_stack.graphql(QUEUE, variables, role=role)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    integrator = live_stack.post(QUEUE, variables, token=live_stack.token("integrator")).json()
    assert integrator["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    denied = live_stack.graphql(DECIDE, {"a": "lcs:x", "b": "health:y", "d": "SAME"}, role="social_worker")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_match_review_queue_lists_the_run_s_uncertain_pairs_without_names(live_stack):
    with open(live_stack.linked_dir / "review.csv", newline="", encoding="utf-8") as f:
        review = list(csv.DictReader(f))
    assert review, "the test town's linkage run lists no pair for review"
    body = live_stack.graphql(QUEUE, {"status": "ALL", "first": 100, "after": 0}, role="data_manager")
    assert "errors" not in body, body
    page = body["data"]["matchReviewQueue"]
    assert page["total"] == len(review) and page["runAt"]
    first = page["pairs"][0]
    assert {first["recordA"]["recordId"], first["recordB"]["recordId"]} == {review[0]["record_id_l"],
                                                                             review[0]["record_id_r"]}
    assert first["comparisons"] and {c["comparison"] for c in first["comparisons"]} >= {"first_name", "dob"}
    probabilities = [p["matchProbability"] for p in page["pairs"]]
    assert probabilities == sorted(probabilities, reverse=True)
    # No names, dates of birth or postcodes from review.csv reach the answer.
    text = str(body)
    for row in review:
        for column in ("last_name_l", "last_name_r", "dob_l", "postcode_r"):
            if row[column] and len(row[column]) > 3:
                assert row[column] not in text, column
    # Paging: a cap, and pages that follow on.
    too_many = live_stack.graphql(QUEUE, {"status": "ALL", "first": 101, "after": 0}, role="data_manager")
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    if len(review) > 2:
        one = live_stack.graphql(QUEUE, {"status": "ALL", "first": 2, "after": 0}, role="data_manager")
        two = live_stack.graphql(QUEUE, {"status": "ALL", "first": 2, "after": 2}, role="data_manager")
        assert one["data"]["matchReviewQueue"]["nextAfter"] == 2
        assert ([p["id"] for p in one["data"]["matchReviewQueue"]["pairs"] + two["data"]["matchReviewQueue"]["pairs"]]
                == [p["id"] for p in page["pairs"][:4]])
    # Reading the queue names people, so it is audited with their ids.
    viewed = live_stack.graphql(AUDIT, {"event": "person_viewed"}, role="ig_reviewer")["data"]["auditEvents"]["events"]
    assert any(first["recordA"]["personId"] in e["whom"] for e in viewed)


def test_a_decision_is_recorded_for_the_next_run_and_audited(live_stack):
    pending = live_stack.graphql(QUEUE, {"status": "PENDING", "first": 100, "after": 0},
                                 role="data_manager")["data"]["matchReviewQueue"]
    pair = pending["pairs"][-1]
    a = f'{pair["recordA"]["source"]}:{pair["recordA"]["recordId"]}'
    b = f'{pair["recordB"]["source"]}:{pair["recordB"]["recordId"]}'
    answer = live_stack.graphql(DECIDE, {"a": b, "b": a, "d": "DIFFERENT"}, role="data_manager")
    assert "errors" not in answer, answer
    assert answer["data"]["decideMatch"]["decision"]["decision"] == "different"
    # It leaves the pending list and shows among the decided ones.
    again = live_stack.graphql(QUEUE, {"status": "PENDING", "first": 100, "after": 0},
                               role="data_manager")["data"]["matchReviewQueue"]
    assert again["pending"] == pending["pending"] - 1 and pair["id"] not in [p["id"] for p in again["pairs"]]
    decided = live_stack.graphql(QUEUE, {"status": "DECIDED", "first": 100, "after": 0},
                                 role="data_manager")["data"]["matchReviewQueue"]["pairs"]
    assert pair["id"] in [p["id"] for p in decided]
    # In the decisions file every later linkage run applies (outside the run folder).
    from linkage.decisions import effective_decisions, load_decisions

    decisions = effective_decisions(load_decisions(live_stack.settings.var_dir / "linkage" / "decisions.csv"))
    key = tuple(sorted(((pair["recordA"]["source"], pair["recordA"]["recordId"]),
                        (pair["recordB"]["source"], pair["recordB"]["recordId"]))))
    assert decisions[key].decision == "different"
    assert not str(live_stack.settings.var_dir / "linkage").startswith(str(live_stack.linked_dir))
    # Audited with both people.
    events = live_stack.graphql(AUDIT, {"event": "link_decision"}, role="ig_reviewer")["data"]["auditEvents"]["events"]
    assert any(set(e["whom"]) == {pair["recordA"]["personId"], pair["recordB"]["personId"]} for e in events)
    # Only pairs the run listed can be decided here; others go through a problem report.
    stranger = live_stack.graphql(DECIDE, {"a": a, "b": "lcs:NOT-A-RECORD", "d": "SAME"}, role="data_manager")
    assert stranger["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_service_owner_can_narrow_usage_to_one_team_and_its_csv_follows(live_stack):
    import httpx2

    browser_sign_in(live_stack, "team.manager")
    query = """query($a: Date!, $b: Date!, $t: String) { usageReport(since: $a, until: $b, team: $t) {
      team csvUrl byUser { team } byTeam { key } } }"""
    body = live_stack.graphql(query, {**_today_span(), "t": "Front Door"}, role="data_manager")
    report = body["data"]["usageReport"]
    assert report["team"] == "Front Door" and [t["key"] for t in report["byTeam"]] == ["Front Door"]
    assert "&team=Front%20Door" in report["csvUrl"]
    response = httpx2.get(f"{live_stack.base_url}{report['csvUrl']}&by=team",
                         headers={"Authorization": f"Bearer {live_stack.token('data_manager')}"}, timeout=30)
    assert response.status_code == 200
    assert [r["team"] for r in csv.DictReader(response.text.splitlines())] == ["Front Door"]


def test_queue_decisions_win_at_the_next_linkage_run(live_stack, tmp_path):
    """Same person on two records the run kept apart, not the same person on two it joined: the next run obeys."""
    from linkage.run import run_linkage
    from tests.conftest import SOURCES

    pairs = live_stack.graphql(QUEUE, {"status": "PENDING", "first": 100, "after": 0},
                               role="data_manager")["data"]["matchReviewQueue"]["pairs"]
    apart = next((p for p in pairs if not p["linkedNow"]), None)
    joined = next((p for p in pairs if p["linkedNow"]), None)
    assert apart or joined, "the test town's review list has no pending pair"
    wanted = {}
    for pair, verdict in ((apart, "SAME"), (joined, "DIFFERENT")):
        if pair is None:
            continue
        a = (pair["recordA"]["source"], pair["recordA"]["recordId"])
        b = (pair["recordB"]["source"], pair["recordB"]["recordId"])
        answer = live_stack.graphql(DECIDE, {"a": ":".join(a), "b": ":".join(b), "d": verdict}, role="data_manager")
        assert "errors" not in answer, answer
        wanted[(a, b)] = verdict == "SAME"
    run_linkage(extracts=live_stack.extracts_dir, sources=SOURCES, out=tmp_path / "next",
                decisions=live_stack.settings.var_dir / "linkage" / "decisions.csv", html_report=False, quiet=True)
    with open(tmp_path / "next" / "clusters.csv", newline="", encoding="utf-8") as f:
        person = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    for (a, b), same in wanted.items():
        assert (person[a] == person[b]) is same, (a, b, same)


def test_status_counts_the_pairs_waiting_for_a_decision(live_stack):
    from family_context.ops.status import collect, render

    pending = live_stack.graphql(QUEUE, {"status": "PENDING", "first": 1, "after": 0},
                                 role="data_manager")["data"]["matchReviewQueue"]["pending"]
    status = collect(live_stack.settings, linked=live_stack.linked_dir)
    assert status.linkage["review_pending"] == pending
    assert f"match review: {pending:,} pair(s) waiting for a decision" in render(status)


def test_a_failed_browser_sign_in_is_audited_but_not_counted(live_stack):
    """A callback the service did not start (forged, replayed, or from another browser) is refused, and the IG
    reviewer finds the attempt in the audit trail: outcome `failed`, nobody signed in, a fixed reason code, and
    nothing the request carried. The usage report's sign-in count does not move."""
    before = live_stack.graphql(USAGE, _today_span(), role="data_manager")["data"]["usageReport"]
    client = httpx2.Client(base_url=live_stack.base_url, timeout=30)
    refused = client.get("/callback", params={"code": "forged-code", "state": "<script>forged</script>"})
    assert refused.status_code == 400 and "Sign-in failed" in refused.text
    assert client.get("/session").status_code == 401
    events = live_stack.graphql(AUDIT_SIGN_IN, {"event": "sign_in"}, role="ig_reviewer")["data"]["auditEvents"]["events"]
    failed = events[0]
    assert failed["requestId"] == refused.headers["x-request-id"]
    assert failed["outcome"] == "failed" and failed["actor"] == "unknown" and failed["whom"] == []
    assert failed["operation"] == "sign_in:mismatching_state"
    assert "forged" not in str(failed)
    after = live_stack.graphql(USAGE, _today_span(), role="data_manager")["data"]["usageReport"]
    assert after["totals"]["signIns"] == before["totals"]["signIns"]
