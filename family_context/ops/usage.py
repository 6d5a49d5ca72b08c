"""Usage reports from the audit store: sign-ins, searches and people viewed per day, team and user, between two dates.

Reads the append-only audit database (family_context/audit/store.py, var/audit/audit.sqlite3) through its own
read-only connection: nothing here can write to it. The figures are about staff activity, never about families:
no person ids or names leave this module, only counts.

- sign_ins: `sign_in` events with outcome `ok` (family_context/auth/web.py records one per completed browser
  sign-in; an account without a Family Context role is recorded as `no_role` and not counted);
- searches: `search` events;
- people_viewed: person ids named by `person_viewed` events (a person opened twice counts twice; `distinct_people`
  counts each person once per row of the report);
- active_users: distinct actors with any audited event.

Team managers see their own team only; the data manager (service owner) and IG reviewers see every team.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Optional

MAX_DAYS = 366
ALL_TEAMS_ROLES = frozenset({"ig_reviewer", "data_manager"})
TEAM_ROLES = frozenset({"team_manager"})
NO_TEAM = "(no team)"


class UsageError(ValueError):
    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class UsageRow:
    key: str  # a day (YYYY-MM-DD), a team, or a user subject
    label: Optional[str]  # the user's display name or team for user rows
    team: Optional[str]
    sign_ins: int = 0
    searches: int = 0
    people_viewed: int = 0
    distinct_people: int = 0
    active_users: int = 0


def check_range(since: date, until: date) -> None:
    if until < since:
        raise UsageError("the end date is before the start date")
    if (until - since).days + 1 > MAX_DAYS:
        raise UsageError(f"ask for at most {MAX_DAYS} days at a time")


def team_scope(roles: Iterable[str], team: Optional[str], requested: Optional[str]) -> Optional[str]:
    """The team a caller may see: their own for team managers (asking for another is refused), any for the service
    owner and IG reviewers (None = every team)."""
    roles = set(roles)
    if roles & ALL_TEAMS_ROLES:
        return requested
    if roles & TEAM_ROLES:
        if not team:
            raise UsageError("your account has no team, so there is no team report to show", "FORBIDDEN")
        if requested is not None and requested != team:
            raise UsageError("team managers see their own team's usage only", "FORBIDDEN")
        return team
    raise UsageError("usage reports are for team managers, the service owner and IG reviewers", "FORBIDDEN")


def _connect(path: Path) -> Optional[sqlite3.Connection]:
    if not Path(path).is_file():
        return None
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


_GROUPS = {
    "day": ("substr(e.at, 1, 10)", "NULL", "NULL"),
    "team": (f"coalesce(e.team, '{NO_TEAM}')", "NULL", "NULL"),
    "user": ("e.actor", "max(e.actor_name)", "max(e.team)"),
}


def _filters(since: date, until: date, team: Optional[str]) -> tuple[str, list]:
    # Machine clients (integrators) are not staff usage: only people (no client id, or signed in) count.
    # (a machine client's token has the client itself as subject; a user's token may name the client it came through)
    where = ["e.at >= ?", "e.at < ?", "(e.client_id IS NULL OR e.actor <> e.client_id)"]
    params: list = [since.isoformat(), (until + timedelta(days=1)).isoformat()]
    if team is not None:
        where.append("e.team = ?")
        params.append(team)
    return " AND ".join(where), params


def usage(path: Path, since: date, until: date, by: str, team: Optional[str] = None) -> list[UsageRow]:
    """One row per day / team / user with any audited activity in [since, until] (UTC dates, both inclusive)."""
    check_range(since, until)
    if by not in _GROUPS:
        raise UsageError(f"group by one of {', '.join(_GROUPS)}")
    key, label, team_col = _GROUPS[by]
    where, params = _filters(since, until, team)
    db = _connect(path)
    if db is None:
        return _every_day([], since, until) if by == "day" else []
    try:
        events = db.execute(
            f"SELECT {key} AS k, {label}, {team_col}, sum(e.event = 'sign_in' AND e.outcome = 'ok'), "
            f"sum(e.event = 'search'), count(DISTINCT e.actor) FROM audit_event e WHERE {where} "
            "GROUP BY k ORDER BY k", params).fetchall()
        people = {r[0]: (r[1], r[2]) for r in db.execute(
            f"SELECT {key} AS k, count(*), count(DISTINCT s.person_id) FROM audit_event e "
            f"JOIN audit_subject s ON s.seq = e.seq WHERE e.event = 'person_viewed' AND {where} GROUP BY k",
            params).fetchall()}
    finally:
        db.close()
    rows = [UsageRow(key=r[0], label=r[1], team=r[2], sign_ins=r[3] or 0, searches=r[4] or 0,
                     people_viewed=people.get(r[0], (0, 0))[0], distinct_people=people.get(r[0], (0, 0))[1],
                     active_users=r[5] or 0) for r in events]
    return _every_day(rows, since, until) if by == "day" else rows


def _every_day(rows: list[UsageRow], since: date, until: date) -> list[UsageRow]:
    """A row for every day of the range, zeros where nobody used the service: a quiet day is a figure too (a
    manager looking for a drop in use needs to see it), and the chart's time axis stays even."""
    found = {r.key: r for r in rows}
    days = ((since + timedelta(days=n)).isoformat() for n in range((until - since).days + 1))
    return [found.get(day) or UsageRow(key=day, label=None, team=None) for day in days]


def totals(rows: list[UsageRow], path: Path, since: date, until: date, team: Optional[str]) -> UsageRow:
    """Totals over the range (active users and distinct people are counted over the whole range, not summed)."""
    whole = usage_total(path, since, until, team)
    return UsageRow(key=f"{since.isoformat()}..{until.isoformat()}", label=None, team=team,
                    sign_ins=sum(r.sign_ins for r in rows), searches=sum(r.searches for r in rows),
                    people_viewed=sum(r.people_viewed for r in rows), distinct_people=whole[0],
                    active_users=whole[1])


def usage_total(path: Path, since: date, until: date, team: Optional[str]) -> tuple[int, int]:
    """(distinct people viewed, distinct active users) over the whole range."""
    db = _connect(path)
    if db is None:
        return 0, 0
    where, params = _filters(since, until, team)
    try:
        people = db.execute("SELECT count(DISTINCT s.person_id) FROM audit_event e JOIN audit_subject s "
                            f"ON s.seq = e.seq WHERE e.event = 'person_viewed' AND {where}", params).fetchone()[0]
        users = db.execute(f"SELECT count(DISTINCT e.actor) FROM audit_event e WHERE {where}", params).fetchone()[0]
    finally:
        db.close()
    return people or 0, users or 0


CSV_COLUMNS = {
    "day": ["date", "sign_ins", "searches", "people_viewed", "distinct_people", "active_users"],
    "team": ["team", "sign_ins", "searches", "people_viewed", "distinct_people", "active_users"],
    "user": ["user", "name", "team", "sign_ins", "searches", "people_viewed", "distinct_people"],
}


def to_csv(rows: list[UsageRow], by: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS[by])
    for r in rows:
        d = asdict(r)
        if by == "day":
            writer.writerow([r.key] + [d[c] for c in CSV_COLUMNS[by][1:]])
        elif by == "team":
            writer.writerow([r.key] + [d[c] for c in CSV_COLUMNS[by][1:]])
        else:
            writer.writerow([r.key, _cell(r.label), _cell(r.team)] + [d[c] for c in CSV_COLUMNS[by][3:]])
    return out.getvalue()


def _cell(value: Optional[str]) -> str:
    """No spreadsheet formula injection through a display name or team name."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
