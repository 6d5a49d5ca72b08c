"""Stable identities across runs, human link decisions, the review list, explanations and the offline HTML report."""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkage.decisions import (
    DecisionError,
    effective_decisions,
    load_decisions,
    parse_record,
    record_decision,
)
from linkage.explain import explain_person
from linkage.identity import carry_forward, fresh_person_id, read_id_map
from linkage.run import REVIEW_COLUMNS, run_linkage
from linkage.sources_config import load_sources

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "extracts_small"
SOURCES = ROOT / "demo_town" / "sources.yaml"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _pid(clusters: pd.DataFrame, source: str, record_id: str) -> str:
    row = clusters[(clusters.source == source) & (clusters.record_id == record_id)]
    assert len(row) == 1, (source, record_id)
    return row.person_id.iloc[0]


@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("base") / "linked"
    result = run_linkage(extracts=SMALL, sources=SOURCES, out=out, quiet=True)
    return out, result


# ------------------------------------------------------------------------------------------------ identity: units
def test_carry_forward_keeps_id_when_smallest_record_changes():
    prev = {("lcs", "B"): "P-old", ("lcs", "C"): "P-old"}
    pid_of, ch = carry_forward({1: [("lcs", "A"), ("lcs", "B"), ("lcs", "C")]}, prev)
    assert set(pid_of.values()) == {"P-old"}
    assert ch.kept == 1 and ch.new == 0 and not ch.splits and not ch.merges


def test_carry_forward_without_previous_is_smallest_record_hash():
    pid_of, ch = carry_forward({1: [("lcs", "B"), ("lcs", "A")], 2: [("las", "Z")]}, None)
    assert pid_of[("lcs", "B")] == fresh_person_id([("lcs", "A")])
    assert pid_of[("las", "Z")] == fresh_person_id([("las", "Z")])
    assert ch.new == 2


def test_carry_forward_reports_split():
    prev = {("h", "1"): "P-a", ("h", "2"): "P-a", ("h", "3"): "P-a"}
    pid_of, ch = carry_forward({1: [("h", "1"), ("h", "2")], 2: [("h", "3")]}, prev)
    assert pid_of[("h", "1")] == pid_of[("h", "2")] == "P-a"  # the bigger part keeps the id
    assert pid_of[("h", "3")] != "P-a"
    assert ch.splits == [{"previous_person_id": "P-a", "person_ids": sorted(["P-a", pid_of[("h", "3")]])}]
    assert not ch.merges


def test_carry_forward_reports_merge_and_retires_one_id():
    prev = {("h", "1"): "P-a", ("h", "2"): "P-a", ("h", "3"): "P-b"}
    pid_of, ch = carry_forward({1: [("h", "1"), ("h", "2"), ("h", "3")]}, prev)
    assert set(pid_of.values()) == {"P-a"}
    assert ch.merges == [{"person_id": "P-a", "previous_person_ids": ["P-a", "P-b"]}]
    assert ch.retired == ["P-b"]


def test_carry_forward_fresh_id_never_reuses_a_previous_id():
    # the new singleton's natural id is the previous id of the person that kept it
    a = fresh_person_id([("h", "1")])
    prev = {("h", "1"): a, ("h", "2"): a}
    pid_of, _ = carry_forward({1: [("h", "2")], 2: [("h", "1")], 3: [("h", "0")]}, prev)
    assert len({pid_of[("h", "1")], pid_of[("h", "2")], pid_of[("h", "0")]}) == 3
    assert a in pid_of.values()


# ------------------------------------------------------------------------------------------------ identity: runs
def test_rerun_with_previous_on_unchanged_extracts_is_identical(base_run, tmp_path):
    out, _ = base_run
    result = run_linkage(extracts=SMALL, sources=SOURCES, out=tmp_path / "again", previous=out, quiet=True)
    pd.testing.assert_frame_equal(_read(out / "clusters.csv"), _read(tmp_path / "again" / "clusters.csv"))
    ident = result.report["identity"]
    assert ident["splits"] == ident["merges"] == ident["people_with_new_id"] == 0
    assert ident["people_keeping_previous_id"] == result.report["clusters"]


def _drop_record(ext: Path, source: str, record_id: str) -> None:
    src = load_sources(SOURCES).source(source)
    df = _read(ext / src.file)
    col = src.record_id_column
    assert (df[col] == record_id).sum() == 1
    df[df[col] != record_id].to_csv(ext / src.file, index=False)


def test_person_keeps_id_when_smallest_record_leaves(base_run, tmp_path):
    out, _ = base_run
    clusters = _read(out / "clusters.csv")
    sizes = clusters.groupby("person_id").size()
    pid = sizes[sizes >= 3].index[0]
    members = sorted(zip(clusters[clusters.person_id == pid].source, clusters[clusters.person_id == pid].record_id))
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    _drop_record(ext, *members[0])

    run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "fresh", quiet=True)
    fresh = _read(tmp_path / "fresh" / "clusters.csv")
    assert _pid(fresh, *members[1]) != pid  # without the previous run the id would change...
    result = run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "carried", previous=out, quiet=True)
    carried = _read(tmp_path / "carried" / "clusters.csv")
    assert {_pid(carried, *m) for m in members[1:]} == {pid}  # ...with it, the person keeps their id
    merged = clusters.merge(carried, on=["source", "record_id"], suffixes=("_a", "_b"))
    assert (merged.person_id_a == merged.person_id_b).all()  # and so does everybody else
    assert result.report["identity"]["splits"] == result.report["identity"]["merges"] == 0


def test_state_dir_keeps_an_id_map_outside_the_run(base_run, tmp_path):
    out, _ = base_run
    state = tmp_path / "state"
    run_linkage(extracts=SMALL, sources=SOURCES, out=tmp_path / "r1", state_dir=state, quiet=True)
    assert read_id_map(state / "person_ids.csv") == read_id_map(out / "clusters.csv")
    ext = tmp_path / "extracts"
    shutil.copytree(SMALL, ext)
    clusters = _read(out / "clusters.csv")
    sizes = clusters.groupby("person_id").size()
    pid = sizes[sizes >= 3].index[0]
    members = sorted(zip(clusters[clusters.person_id == pid].source, clusters[clusters.person_id == pid].record_id))
    _drop_record(ext, *members[0])
    run_linkage(extracts=ext, sources=SOURCES, out=tmp_path / "r2", state_dir=state, quiet=True)
    assert _pid(_read(tmp_path / "r2" / "clusters.csv"), *members[1]) == pid


def test_split_and_merge_are_reported(base_run, tmp_path):
    """Decisions force a split of one person and a merge of two; both show in run_report.json and
    identity_changes.csv."""
    out, _ = base_run
    c = _read(out / "clusters.csv")
    decisions = tmp_path / "decisions.csv"
    record_decision(decisions, "different", "lcs:LCS0000003", "probation:X100001", by="T", reason="split test")
    record_decision(decisions, "different", "lcs:LCS0000003", "housing_asb:ASB0001", by="T", reason="split test")
    record_decision(decisions, "same", "las:LAS000003", "probation:X100003", by="T", reason="merge test")
    result = run_linkage(extracts=SMALL, sources=SOURCES, out=tmp_path / "out", previous=out, decisions=decisions,
                         quiet=True)
    ident = result.report["identity"]
    assert ident["splits"] >= 1 and ident["merges"] >= 1
    split_ids = {s["previous_person_id"] for s in ident["split_examples"]}
    assert _pid(c, "lcs", "LCS0000003") in split_ids
    merges = [m for m in ident["merge_examples"]
              if set(m["previous_person_ids"]) == {_pid(c, "las", "LAS000003"), _pid(c, "probation", "X100003")}]
    assert len(merges) == 1
    changes = _read(tmp_path / "out" / "identity_changes.csv")
    assert set(changes.change) == {"split", "merge"}


# ------------------------------------------------------------------------------------------------ decisions
def test_record_decision_validates_and_appends(tmp_path):
    f = tmp_path / "d" / "decisions.csv"
    with pytest.raises(DecisionError):
        record_decision(f, "maybe", "lcs:1", "las:2", by="A", reason="r")
    with pytest.raises(DecisionError):
        record_decision(f, "same", "lcs1", "las:2", by="A", reason="r")
    with pytest.raises(DecisionError):
        record_decision(f, "same", "lcs:1", "lcs:1", by="A", reason="r")
    with pytest.raises(DecisionError):
        record_decision(f, "same", "lcs:1", "las:2", by=" ", reason="r")
    with pytest.raises(DecisionError):
        record_decision(f, "same", "lcs:1", "las:2", by="A", reason="")
    with pytest.raises(DecisionError, match="lsc"):
        record_decision(f, "same", "lsc:1", "las:2", by="A", reason="r", sources=["lcs", "las"])
    assert not f.exists()
    record_decision(f, "same", "lcs:1", "las:2", by="A Manager", reason="checked DOB with school")
    record_decision(f, "different", "las:2", "lcs:1", by="B", reason="second thoughts")
    record_decision(f, "same", "health:9:x", "lcs:3", by="C", reason="ids may hold colons")
    record_decision(f, "withdraw", "lcs:3", "health:9:x", by="C", reason="let the model decide")
    all_ = load_decisions(f)
    assert [d.decision for d in all_] == ["same", "different", "same", "withdraw"]
    assert parse_record("health:9:x") == ("health", "9:x")
    eff = effective_decisions(all_)
    assert len(eff) == 1 and next(iter(eff.values())).decision == "different"  # latest wins; withdrawn gone
    assert f.read_text().splitlines()[0].startswith("decided_at,decision,source_l")


def test_decisions_win_over_model_and_identifiers(base_run, tmp_path):
    out, _ = base_run
    before = _read(out / "clusters.csv")
    assert _pid(before, "lcs", "LCS0000003") == _pid(before, "probation", "X100001")
    assert _pid(before, "las", "LAS000003") != _pid(before, "probation", "X100003")
    assert _pid(before, "las", "LAS000004") == _pid(before, "health", "4010232137")  # exact NHS number link
    d = tmp_path / "decisions.csv"
    record_decision(d, "different", "lcs:LCS0000003", "probation:X100001", by="T", reason="r")
    record_decision(d, "same", "las:LAS000003", "probation:X100003", by="T", reason="r")
    record_decision(d, "different", "las:LAS000004", "health:4010232137", by="T", reason="r")
    record_decision(d, "same", "lcs:NOPE", "las:LAS000001", by="T", reason="record not in these extracts")
    result = run_linkage(extracts=SMALL, sources=SOURCES, out=tmp_path / "out", decisions=d, quiet=True)
    after = _read(tmp_path / "out" / "clusters.csv")
    assert _pid(after, "lcs", "LCS0000003") != _pid(after, "probation", "X100001")
    assert _pid(after, "las", "LAS000003") == _pid(after, "probation", "X100003")
    assert _pid(after, "las", "LAS000004") != _pid(after, "health", "4010232137")
    rep = result.report["decisions"]
    assert rep["applied"] == 3 and rep["same"] == 1 and rep["different"] == 2
    assert rep["not_applicable_records_absent"] == 1
    pred = _read(tmp_path / "out" / "predictions.csv")
    assert ((pred.link == "decision:same") & (pred.record_id_l == "LAS000003")).sum() == 1
    # The explanation of that link names who decided it and when, for the person page.
    explained = _read(tmp_path / "out" / "explanations.csv")
    by_hand = explained[explained.link == "decision:same"]
    assert len(by_hand) == 1 and by_hand.decided_by.tolist() == ["T"]
    recorded = next(x for x in load_decisions(d)
                    if x.decision == "same" and "NOPE" not in (x.record_id_l, x.record_id_r))
    assert by_hand.decided_at.tolist() == [recorded.decided_at]
    assert set(pred.decision) >= {"same", "different"}
    # counts still balance
    for name, info in result.report["sources"].items():
        assert info["balanced"], name


def test_different_decision_also_blocks_chains(tmp_path):
    """'different' holds even when the two records would be joined through a third."""
    from linkage.cluster import Clusterer

    c = Clusterer()
    for k in ("a", "b", "c"):
        c.add(("s", k), "2000-01-01", ("sam", "sam"))
    c.cannot_link(("s", "a"), ("s", "c"))
    assert c.union(("s", "a"), ("s", "b"))
    assert not c.union(("s", "b"), ("s", "c"), force=True)
    assert c.last_refusal == "decision"


def test_cli_link_decision(tmp_path):
    from family_context.cli import app

    f = tmp_path / "decisions.csv"
    r = CliRunner().invoke(app, ["link-decision", "same", "lcs:LCS0000004", "health:9000000041", "--by", "A Manager",
                                 "--reason", "confirmed with the school", "--decisions", str(f)])
    assert r.exit_code == 0, r.output
    [d] = load_decisions(f)
    assert (d.decision, d.a, d.b, d.decided_by) == ("same", ("lcs", "LCS0000004"), ("health", "9000000041"), "A Manager")
    r = CliRunner().invoke(app, ["link-decision", "same", "lsc:LCS0000004", "health:9000000041", "--by", "A",
                                 "--reason", "x", "--decisions", str(f)])
    assert r.exit_code != 0 and len(load_decisions(f)) == 1


# ------------------------------------------------------------------------------------------------ explanations
def test_explanations_cover_every_linked_person(base_run):
    out, _ = base_run
    clusters = _read(out / "clusters.csv")
    exp = _read(out / "explanations.csv")
    assert list(exp.columns[:9]) == ["person_id", "source_l", "record_id_l", "source_r", "record_id_r", "link",
                                     "joined", "match_probability", "match_weight"]
    sizes = clusters.groupby("person_id").size()
    joined = exp[exp.joined == "True"].groupby("person_id").size()
    for pid, n in sizes[sizes > 1].items():
        assert joined.get(pid, 0) == n - 1, pid  # the links that joined the person form a tree over its records
    data = json.loads((out / "explanations.json").read_text())
    assert set(data["people"]) == set(sizes[sizes > 1].index)


def test_explain_person_says_why(base_run):
    out, _ = base_run
    c = _read(out / "clusters.csv")
    pid = _pid(c, "lcs", "LCS0000003")
    e = explain_person(out, pid)
    assert {(r["source"], r["record_id"]) for r in e["records"]} == set(
        zip(c[c.person_id == pid].source, c[c.person_id == pid].record_id))
    scored = [lk for lk in e["links"] if lk["how"] == "splink"]
    assert scored
    comp = {x["comparison"]: x for x in scored[0]["comparisons"]}
    assert set(comp) == {"first_name", "surname", "dob", "location", "sex", "nhs_number"}
    assert all(x["effect"] in {"agrees", "disagrees", "neutral", "missing"} for x in comp.values())
    assert any(x["effect"] == "agrees" and x["match_weight"] > 0 for x in comp.values())
    assert all(x["level"] for x in comp.values())
    single = c.groupby("person_id").size()
    if (single == 1).any():
        lone = single[single == 1].index[0]
        assert explain_person(out, lone)["links"] == []
    assert explain_person(out, "P-000000000000") is None


def test_html_report_is_offline(base_run):
    out, _ = base_run
    page = (out / "linkage_report.html").read_text()
    inner = html.unescape(page)
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", inner, re.I), "a script loads from the web"
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", inner, re.I), "a stylesheet loads from the web"
    for title in ("Match weights", "Waterfall", "Cluster studio"):
        assert title in page, title
    assert "vega" in inner  # the chart library is inlined


# ------------------------------------------------------------------------------------------------ review
def test_review_list_on_a_generated_town(tmp_path):
    generate = pytest.importorskip("demo_town.generate")
    generate.generate_town(people=1200, seed=5, out=tmp_path / "extracts")
    result = run_linkage(extracts=tmp_path / "extracts", sources=SOURCES, out=tmp_path / "out", quiet=True,
                         html_report=False)
    review = _read(tmp_path / "out" / "review.csv")
    assert list(review.columns) == REVIEW_COLUMNS
    assert result.report["review"]["pairs"] == len(review) > 0
    lo, hi = result.report["review"]["band"]
    for row in review.itertuples():
        if row.reason.startswith("uncertain"):
            assert lo <= float(row.match_probability) < hi
            assert (row.person_id_l == row.person_id_r) == (row.reason == "uncertain: linked")
        else:
            assert row.reason.startswith("refused:") and row.person_id_l != row.person_id_r
    # deciding a listed pair takes it off the list
    first = review.iloc[0]
    d = tmp_path / "decisions.csv"
    record_decision(d, "different", f"{first.source_l}:{first.record_id_l}", f"{first.source_r}:{first.record_id_r}",
                    by="T", reason="reviewed")
    run_linkage(extracts=tmp_path / "extracts", sources=SOURCES, out=tmp_path / "out2", quiet=True, decisions=d,
                html_report=False, previous=tmp_path / "out")
    again = _read(tmp_path / "out2" / "review.csv")
    assert not ((again.record_id_l == first.record_id_l) & (again.record_id_r == first.record_id_r)).any()
    assert len(again) == len(review) - 1


# ------------------------------------------------------------------------------------------------ scoring
def test_cluster_level_scores():
    from linkage.evaluate import score_clusters

    truth = pd.DataFrame({"source": ["s"] * 6, "record_id": list("abcdef"),
                          "true_person_id": ["T1", "T1", "T2", "T2", "T3", "T4"]})
    clusters = pd.DataFrame({"source": ["s"] * 6, "record_id": list("abcdef"),
                             "person_id": ["P1", "P1", "P2", "P3", "P4", "P4"]})  # T1 whole, T2 split, T3+T4 merged
    sc = score_clusters(clusters, truth)
    cl = sc["cluster_level"]
    assert sc["true_positive_pairs"] == 1 and sc["false_positive_pairs"] == 1 and sc["false_negative_pairs"] == 1
    assert cl["true_people_found_whole"] == 0.25 and cl["true_people_with_several_records_found_whole"] == 0.5
    assert cl["true_people_split"] == 1 and cl["predicted_people_merging_several_true"] == 1
    assert cl["predicted_people_pure"] == 0.75
