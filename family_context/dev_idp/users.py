"""Demo sign-ins, one per role (plus a second social worker in another team), and the demo clients.

Development only: the passwords are printed by `family-context demo` and shown on the dev IdP's sign-in page.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    name: str
    roles: tuple[str, ...]
    team: str


DEMO_USERS: dict[str, DemoUser] = {u.username: u for u in (
    DemoUser("social.worker", "demo-social-worker", "Sam Okafor", ("social_worker",), "Front Door"),
    DemoUser("team.manager", "demo-team-manager", "Priya Shah", ("team_manager",), "Front Door"),
    DemoUser("massh.analyst", "demo-massh-analyst", "Lee Carter", ("massh_analyst",), "MASSH"),
    DemoUser("ig.reviewer", "demo-ig-reviewer", "Jo Whitfield", ("ig_reviewer",), "Information Governance"),
    DemoUser("data.manager", "demo-data-manager", "Alex Morgan", ("data_manager",), "Data Services"),
    DemoUser("assessment.worker", "demo-assessment-worker", "Chris Doyle", ("social_worker",), "Assessment"),
)}

#: The demo user for each role (integrator is a client, see DEMO_CLIENTS).
USER_FOR_ROLE = {"social_worker": "social.worker", "team_manager": "team.manager", "massh_analyst": "massh.analyst",
                 "ig_reviewer": "ig.reviewer", "data_manager": "data.manager"}

INTEGRATOR_CLIENT_ID = "demo-integrator"
INTEGRATOR_SECRET = "demo-integrator-secret"
INTEGRATOR_SCOPES = "people:read services:read"
CLI_CLIENT_ID = "family-context-cli"
CLI_REDIRECT_URI = "http://127.0.0.1/dev-token-callback"

DEMO_CLIENTS = {
    INTEGRATOR_CLIENT_ID: {"secret": INTEGRATOR_SECRET, "scopes": INTEGRATOR_SCOPES,
                           "description": "A partner council system (client credentials)"},
}


def describe_sign_ins() -> str:
    """The demo sign-ins as a small table for the console."""
    lines = [f"  {'username':<20} {'password':<24} {'role':<15} team"]
    for user in DEMO_USERS.values():
        lines.append(f"  {user.username:<20} {user.password:<24} {', '.join(user.roles):<15} {user.team}")
    lines.append(f"  integrator: client credentials, client id {INTEGRATOR_CLIENT_ID}, secret {INTEGRATOR_SECRET}, "
                 f"scopes '{INTEGRATOR_SCOPES}'")
    lines.append("  A bearer token for scripts: family-context dev-token --role ROLE")
    return "\n".join(lines)
