"""The team around the child: every practitioner currently involved with the child or the people around them."""
from __future__ import annotations

from graph_loader.service_catalogue import shown_at_age
from resolvers.analysis import relationship_label
from resolvers.graph_reader import GraphReader
from resolvers.values import age, iso
from schema.analysis_types import TeamMember, TeamReason
from schema.types import PersonHit, Practitioner


async def team_around_child(graph: GraphReader, person_id: str) -> list[TeamMember]:
    rows = await graph.read("api/team_around_child", id=person_id)
    team = []
    for row in rows:
        reasons = []
        seen = set()
        for reason in row["reasons"]:
            person_age = age(reason["dob"])
            key = (reason["person_id"], reason["service_key"], reason["kind"])
            if key in seen or not shown_at_age(reason["service_key"], person_age):
                continue
            seen.add(key)
            reasons.append(TeamReason(
                person=PersonHit(id=reason["person_id"], display_name=reason["person_name"], dob=iso(reason["dob"]),
                                 age=person_age, gender=None, case_ids=[], current_address=None, sources=[]),
                relationship=relationship_label(reason["relation"]), service=reason["service"],
                involvement=reason["kind"]))
        if reasons:
            practitioner = {k: v for k, v in row["practitioner"].items() if k != "id"}
            team.append(TeamMember(practitioner=Practitioner(**practitioner), reasons=reasons))
    # The child's own workers first, then by service, so the list reads like an invitation list.
    return sorted(team, key=lambda m: (all(r.relationship != "This person" for r in m.reasons),
                                       m.reasons[0].service, m.practitioner.name))
