"""Operations fields: the data-quality loop (report a problem -> data manager's queue -> outcome the reporter sees)
and usage reports from the audit store. docs/operations.md documents them for the web client.

Permissions are declared here and registered into schema/permissions.py POLICY (deny by default applies: a field
missing from OPS_POLICY is refused to everyone). The free-text note of a report is readable by the data manager
only; the reporter sees the category, the status and the outcome (fixed wording, no free text).
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Optional
from urllib.parse import quote

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from family_context.ops import usage as usage_mod
from family_context.ops.reports import CATEGORIES, MAX_QUEUE, OUTCOMES, ProblemReport, ReportError
from family_context.ops import review as review_mod
from family_context.ops.usage import UsageError
from linkage.decisions import Decision
from resolvers import operations as ops
from resolvers import review_queue
from schema.permissions import POLICY, PUBLIC, SUBJECT_TYPES, Rule, _fields

REPORTERS = Rule("report_problem", ("social_worker", "team_manager", "massh_analyst", "data_manager"), (),
                 "Tell the data manager that information shown about a person is wrong")
DATA_MANAGER = Rule("data_quality", ("data_manager",), (),
                    "Work the queue of data-quality reports and record the outcome")
MATCH_REVIEW = Rule("match_review", ("data_manager",), (),
                    "Review uncertain matches and record link decisions: record keys, probabilities and "
                    "comparison levels, no names or dates")
USAGE = Rule("usage", ("team_manager", "ig_reviewer", "data_manager"), (),
             "Usage figures (counts only): team managers their own team, the service owner and IG reviewers all")


def _error(exc: Exception) -> GraphQLError:
    return GraphQLError(str(exc), extensions={"code": getattr(exc, "code", "BAD_USER_INPUT")})


@strawberry.enum(description="Where a data-quality report stands.")
class ProblemStatus(Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


@strawberry.type(description="A choice of category or outcome, with the wording to show.")
class Choice:
    code: str
    label: str


@strawberry.type(description="A link decision recorded for linkage when a report was resolved.")
class LinkDecision:
    decision: str = strawberry.field(description="same (records joined) or different (records separated).")
    record_a: str
    record_b: str
    decided_at: str


@strawberry.type(name="ProblemReport", description="A report that information shown about a person is wrong.")
class ProblemReportType:
    id: strawberry.ID
    person_id: strawberry.ID
    source: str = strawberry.field(description="The source system the problem is about, or 'general'.")
    category: str
    category_label: str
    status: ProblemStatus
    reported_at: str
    reporter_name: Optional[str]
    reporter_team: Optional[str]
    note: Optional[str] = strawberry.field(description="The reporter's free text (data manager only).")
    outcome: Optional[str]
    outcome_label: Optional[str] = strawberry.field(description="What was done, in words the reporter sees.")
    resolved_at: Optional[str]
    resolved_by_name: Optional[str]
    resolution_note: Optional[str] = strawberry.field(description="The data manager's note (data manager only).")
    decision: Optional[LinkDecision]

    @classmethod
    def of(cls, r: ProblemReport) -> "ProblemReportType":
        return cls(id=strawberry.ID(r.id), person_id=strawberry.ID(r.person_id), source=r.source,
                   category=r.category, category_label=CATEGORIES.get(r.category, r.category),
                   status=ProblemStatus(r.status), reported_at=r.reported_at, reporter_name=r.reporter_name,
                   reporter_team=r.reporter_team, note=r.note, outcome=r.outcome,
                   outcome_label=OUTCOMES.get(r.outcome) if r.outcome else None, resolved_at=r.resolved_at,
                   resolved_by_name=r.resolved_by_name, resolution_note=r.resolution_note,
                   decision=LinkDecision(**r.decision) if r.decision else None)


@strawberry.type(description="Usage figures for one day, team or user (counts only).")
class UsageFigures:
    key: str = strawberry.field(description="The day (YYYY-MM-DD), the team, or the user's subject.")
    name: Optional[str] = strawberry.field(description="The user's display name (user rows).")
    team: Optional[str]
    sign_ins: int
    searches: int
    people_viewed: int = strawberry.field(description="Person views (a person opened twice counts twice).")
    distinct_people: int
    active_users: int

    @classmethod
    def of(cls, r: usage_mod.UsageRow) -> "UsageFigures":
        return cls(key=r.key, name=r.label, team=r.team, sign_ins=r.sign_ins, searches=r.searches,
                   people_viewed=r.people_viewed, distinct_people=r.distinct_people, active_users=r.active_users)


@strawberry.type(description="Sign-ins, searches and people viewed between two dates, by day, team and user.")
class UsageReport:
    since: date
    until: date
    team: Optional[str] = strawberry.field(description="The team the figures cover; null means every team.")
    totals: UsageFigures
    by_day: list[UsageFigures]
    by_team: list[UsageFigures]
    by_user: list[UsageFigures]
    csv_url: str = strawberry.field(description="The same figures as CSV (add &by=day|team|user).")


@strawberry.input(description="The two records a link decision is about, each written SOURCE:RECORD_ID.")
class LinkDecisionInput:
    record_a: str
    record_b: str


@strawberry.enum(description="Which pairs of the match review queue to list.")
class MatchReviewStatus(Enum):
    PENDING = "pending"
    DECIDED = "decided"
    ALL = "all"


@strawberry.enum(description="A data manager's answer on a pair of records.")
class MatchVerdict(Enum):
    SAME = "same"
    DIFFERENT = "different"


@strawberry.type(description="One source record of a pair under review: where it comes from and whose it is now.")
class MatchReviewRecord:
    source: str
    record_id: str
    person_id: strawberry.ID = strawberry.field(description="The person the record belongs to in that linkage run.")


@strawberry.type(description="How one comparison came out for a pair (level label and weight, never the values).")
class MatchComparison:
    comparison: str
    level: str
    match_weight: Optional[float]
    effect: str = strawberry.field(description="agrees, disagrees, neutral or missing.")


@strawberry.type(description="A human decision on a pair; it applies from the next linkage run.")
class MatchDecision:
    decision: str = strawberry.field(description="same or different.")
    decided_at: str
    decided_by: str

    @classmethod
    def of(cls, d: Decision) -> "MatchDecision":
        return cls(decision=d.decision, decided_at=d.decided_at, decided_by=d.decided_by)


@strawberry.type(description="Two records whose best match fell in the uncertain band of the latest linkage run.")
class MatchReviewPair:
    id: strawberry.ID = strawberry.field(description="SOURCE:RECORD|SOURCE:RECORD.")
    reason: str
    reason_label: str
    match_probability: float
    match_weight: Optional[float]
    linked_now: bool = strawberry.field(description="Whether the run put the two records in one person.")
    record_a: MatchReviewRecord
    record_b: MatchReviewRecord
    comparisons: list[MatchComparison]
    decision: Optional[MatchDecision] = strawberry.field(
        description="The decision recorded since the run, if any (applies at the next linkage run).")

    @classmethod
    def of(cls, p: review_mod.ReviewPair, d: Optional[Decision]) -> "MatchReviewPair":
        return cls(id=strawberry.ID(p.id), reason=p.reason, reason_label=p.reason_label,
                   match_probability=p.match_probability, match_weight=p.match_weight,
                   linked_now=p.person_a == p.person_b,
                   record_a=MatchReviewRecord(source=p.source_a, record_id=p.record_a,
                                              person_id=strawberry.ID(p.person_a)),
                   record_b=MatchReviewRecord(source=p.source_b, record_id=p.record_b,
                                              person_id=strawberry.ID(p.person_b)),
                   comparisons=[MatchComparison(comparison=c.name, level=c.level, match_weight=c.match_weight,
                                                effect=c.effect) for c in p.comparisons],
                   decision=MatchDecision.of(d) if d else None)


@strawberry.type(description="A page of the match review queue, highest match probability first.")
class MatchReviewPage:
    pairs: list[MatchReviewPair]
    total: int = strawberry.field(description="Pairs matching the status filter.")
    pending: int = strawberry.field(description="Pairs of the run with no decision yet.")
    next_after: Optional[int] = strawberry.field(description="Pass as `after` for the next page; null on the last.")
    run_at: Optional[str] = strawberry.field(description="When the linkage run was made (null: no run found).")
    band_low: Optional[float]
    band_high: Optional[float]


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_QUEUE:
        raise GraphQLError(f"first must be between 1 and {MAX_QUEUE}", extensions={"code": "BAD_USER_INPUT"})


@strawberry.type
class OperationsQuery:
    @strawberry.field(description="Categories a problem report can have.")
    def problem_categories(self) -> list[Choice]:
        return [Choice(code=c, label=label) for c, label in CATEGORIES.items()]

    @strawberry.field(description="Outcomes a data manager can record.")
    def problem_outcomes(self) -> list[Choice]:
        return [Choice(code=c, label=label) for c, label in OUTCOMES.items()]

    @strawberry.field(description="The problems I reported, newest first, with their outcome.")
    async def my_problem_reports(self, info: Info, first: int = 50) -> list[ProblemReportType]:
        _check_first(first)
        return [ProblemReportType.of(r) for r in await ops.my_reports(info.context, first)]

    @strawberry.field(description="The data manager's queue: open reports oldest first, then resolved ones.")
    async def problem_report_queue(self, info: Info, status: Optional[ProblemStatus] = None,
                                   first: int = 50) -> list[ProblemReportType]:
        _check_first(first)
        reports = await ops.queue(info.context, status.value if status else None, first)
        return [ProblemReportType.of(r) for r in reports]

    @strawberry.field(description="Usage between two dates (UTC, inclusive, at most 366 days). Team managers see "
                                  "their own team; the service owner and IG reviewers every team or one.")
    async def usage_report(self, info: Info, since: date, until: date,
                           team: Optional[str] = None) -> UsageReport:
        try:
            scope, groups, total = await ops.usage_report(info.context, since, until, team)
        except UsageError as exc:
            raise _error(exc) from None
        csv = f"/reports/usage.csv?since={since.isoformat()}&until={until.isoformat()}"
        if team is not None:  # the figures asked for, not every team the caller may see
            csv += f"&team={quote(team, safe='')}"
        return UsageReport(since=since, until=until, team=scope, totals=UsageFigures.of(total),
                           by_day=[UsageFigures.of(r) for r in groups["day"]],
                           by_team=[UsageFigures.of(r) for r in groups["team"]],
                           by_user=[UsageFigures.of(r) for r in groups["user"]], csv_url=csv)

    @strawberry.field(description="The data manager's match review queue: pairs of records whose best match fell in "
                                  "the uncertain band of the latest linkage run, with the decisions recorded since. "
                                  f"`first` at most {review_mod.MAX_PAGE}.")
    async def match_review_queue(self, info: Info, status: MatchReviewStatus = MatchReviewStatus.PENDING,
                                 first: int = 25, after: int = 0) -> MatchReviewPage:
        try:
            page = await review_queue.review_page(info.context, status.value, first, after)
        except review_mod.ReviewError as exc:
            raise _error(exc) from None
        run = page.run
        return MatchReviewPage(pairs=[MatchReviewPair.of(p, d) for p, d in page.items], total=page.total,
                               pending=page.pending, next_after=page.next_after,
                               run_at=run.generated_at if run else None,
                               band_low=run.band[0] if run and run.band else None,
                               band_high=run.band[1] if run and run.band else None)


@strawberry.type
class OperationsMutation:
    @strawberry.mutation(description="Report that information shown about a person is wrong. `sourceName` is one of "
                                     "the person's sources or 'general'; `note` (optional, read by the data "
                                     "manager only) must not repeat case notes.")
    async def report_problem(self, info: Info, person_id: strawberry.ID, source_name: str, category: str,
                             note: Optional[str] = None) -> ProblemReportType:
        # (`source` would clash with the resolver's own `source` argument in strawberry's permission extension)
        try:
            return ProblemReportType.of(await ops.submit_report(info.context, str(person_id), source_name,
                                                                category, note))
        except ReportError as exc:
            raise _error(exc) from None

    @strawberry.mutation(description="A data manager takes a report (status in_progress).")
    async def take_problem_report(self, info: Info, id: strawberry.ID) -> ProblemReportType:
        try:
            return ProblemReportType.of(await ops.take_report(info.context, str(id)))
        except ReportError as exc:
            raise _error(exc) from None

    @strawberry.mutation(description="Resolve a report with an outcome. records_linked / records_unlinked also "
                                     "record a link decision on two records that every later linkage run applies.")
    async def resolve_problem_report(self, info: Info, id: strawberry.ID, outcome: str, note: Optional[str] = None,
                                     records: Optional[LinkDecisionInput] = None) -> ProblemReportType:
        try:
            return ProblemReportType.of(await ops.resolve_report(
                info.context, str(id), outcome, note, records.record_a if records else None,
                records.record_b if records else None))
        except ReportError as exc:
            raise _error(exc) from None

    @strawberry.mutation(description="Record that two records of the review queue are the same person or not. The "
                                     "decision applies from the next linkage run (and the load after it).")
    async def decide_match(self, info: Info, record_a: str, record_b: str,
                           decision: MatchVerdict) -> MatchReviewPair:
        try:
            pair, made = await review_queue.decide(info.context, record_a, record_b, decision.value)
        except review_mod.ReviewError as exc:
            raise _error(exc) from None
        return MatchReviewPair.of(pair, made)


#: The declarations for the fields above, merged into schema/permissions.py POLICY when this module is imported.
OPS_POLICY: dict[str, dict[str, Rule]] = {
    "Query": {"problemCategories": PUBLIC, "problemOutcomes": PUBLIC, "myProblemReports": REPORTERS,
              "problemReportQueue": DATA_MANAGER, "usageReport": USAGE, "matchReviewQueue": MATCH_REVIEW},
    "Mutation": {"reportProblem": REPORTERS, "takeProblemReport": DATA_MANAGER,
                 "resolveProblemReport": DATA_MANAGER, "decideMatch": MATCH_REVIEW},
    "Choice": _fields(PUBLIC, "code label"),
    "ProblemReport": {
        **_fields(REPORTERS, "id personId source category categoryLabel status reportedAt reporterName "
                             "reporterTeam outcome outcomeLabel resolvedAt resolvedByName decision"),
        "note": DATA_MANAGER, "resolutionNote": DATA_MANAGER,
    },
    "LinkDecision": _fields(REPORTERS, "decision recordA recordB decidedAt"),
    "UsageReport": _fields(USAGE, "since until team totals byDay byTeam byUser csvUrl"),
    "UsageFigures": _fields(USAGE, "key name team signIns searches peopleViewed distinctPeople activeUsers"),
    "MatchReviewPage": _fields(MATCH_REVIEW, "pairs total pending nextAfter runAt bandLow bandHigh"),
    "MatchReviewPair": _fields(MATCH_REVIEW, "id reason reasonLabel matchProbability matchWeight linkedNow recordA "
                                             "recordB comparisons decision"),
    "MatchReviewRecord": _fields(MATCH_REVIEW, "source recordId personId"),
    "MatchComparison": _fields(MATCH_REVIEW, "comparison level matchWeight effect"),
    "MatchDecision": _fields(MATCH_REVIEW, "decision decidedAt decidedBy"),
}


def register_policy() -> None:
    for type_name, fields in OPS_POLICY.items():
        POLICY.setdefault(type_name, {}).update(fields)
    # Reading a report names a person: the audit records whom.
    SUBJECT_TYPES.setdefault("ProblemReport", lambda source: str(getattr(source, "person_id", "")) or None)
    # A record under match review names the person it belongs to: reading it records whom.
    SUBJECT_TYPES.setdefault("MatchReviewRecord", lambda source: str(getattr(source, "person_id", "")) or None)


register_policy()

