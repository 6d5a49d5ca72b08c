"""Why a source record belongs to its person, in words a social worker reads: from the compact JSON the loader
stores on each record (graph_loader/link_reasons.py) to LinkReason objects.

Splink's level labels are written for the data team ("Jaro-Winkler distance of surname_std >= 0.92"); the page
says "Very similar spelling". Unknown labels are shown as they are rather than dropped: a new model level still
explains itself, only less plainly.
"""
from __future__ import annotations

import json
import re
from datetime import date

from schema.types import LinkComparison, LinkReason

COMPARISONS = {"first_name": "First name", "surname": "Surname", "dob": "Date of birth", "location": "Address",
               "sex": "Sex", "nhs_number": "NHS number"}
IDENTIFIERS = {"nhs_number": "NHS number", "upn": "unique pupil number (UPN)", "lcs_id": "LCS id"}

_LEVELS = {
    "missing on one or both records": "Not recorded on one or both records",
    "All other comparisons": "Different",
    "Exact forename (nicknames resolved)": "Same (nicknames resolved)",
    "Forename matches preferred forename": "Matches the preferred forename",
    "Jaro-Winkler >= 0.92 (resolved or as written)": "Very similar spelling",
    "Exact surname": "Same",
    "Shares a surname part (double-barrelled)": "Shares part of a double-barrelled surname",
    "Exact DOB": "Same",
    "Day and month swapped": "Day and month swapped",
    "One character differs": "One digit differs",
    "Same postcode and house/street": "Same house and postcode",
    "Same postcode": "Same postcode, different house",
    "Same house/street, other postcode": "Same house, different postcode",
    "Same postcode district": "Same postcode district only",
    "Exact match on sex": "Same",
    "Exact match on nhs_number": "Same",
}
_JARO = re.compile(r"Jaro-Winkler distance of \w+ >= (0\.\d+)")


def level_text(label: str) -> str:
    if label in _LEVELS:
        return _LEVELS[label]
    jaro = _JARO.fullmatch(label or "")
    if jaro:
        return "Very similar spelling" if float(jaro.group(1)) >= 0.9 else "Similar spelling"
    return label or "Not compared"


def _listed(names: list[str]) -> str:
    names = [n.lower() if i else n for i, n in enumerate(names)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _comparisons(raw: list[list]) -> list[LinkComparison]:
    out = [LinkComparison(comparison=COMPARISONS.get(name, name.replace("_", " ").capitalize()),
                          level=level_text(level), match_weight=weight, effect=effect or "neutral")
           for name, level, weight, effect in raw]
    # Strongest evidence for first, then against, then what could not be compared.
    return sorted(out, key=lambda c: (c.effect == "missing", -(c.match_weight or 0.0)))


def _reason(link: dict) -> LinkReason:
    other_source, _, other_record_id = link["other"].partition(":")
    how = link.get("how") or ""
    comparisons: list[LinkComparison] = []
    if how.startswith("exact:"):
        identifier = how.split(":", 1)[1]
        name = IDENTIFIERS.get(identifier, identifier.replace("_", " "))
        method, summary = "identifier", f"Same {name}, an identifier trusted to link records on its own"
        comparisons = [LinkComparison(comparison=name[0].upper() + name[1:], level="Same (trusted identifier)",
                                      match_weight=None, effect="agrees")]
    elif how.startswith("decision:"):
        method, summary = "decision", _decision_summary(link.get("by"), link.get("at"))
    else:
        method = "model"
        comparisons = _comparisons(link.get("c") or [])
        agree = [c.comparison for c in comparisons if c.effect == "agrees"]
        differ = [c.comparison for c in comparisons if c.effect == "disagrees"]
        summary = "Matching model: " + (f"{_listed(agree)} {'agrees' if len(agree) == 1 else 'agree'}" if agree
                                        else "no comparison agrees")
        if differ:
            summary += f"; {_listed(differ).lower()} differ" if len(differ) > 1 else f"; {differ[0].lower()} differs"
    return LinkReason(other_source=other_source, other_record_id=other_record_id, method=method, summary=summary,
                      joined=bool(link.get("joined")), match_probability=link.get("p"), match_weight=link.get("w"),
                      comparisons=comparisons, decided_by=link.get("by"), decided_at=link.get("at"))


def _decision_summary(by: str | None, at: str | None) -> str:
    """'Confirmed the same person by A Manager (data manager) on 2 November 2026'; runs made before decisions
    carried their author and date say only that a data manager confirmed it."""
    if not by:
        return "A data manager confirmed these records are the same person"
    when = ""
    try:
        day = date.fromisoformat(at or "")
        when = f" on {day.day} {day:%B %Y}"
    except ValueError:
        pass
    return f"Confirmed the same person by {by} (data manager){when}"



def link_reasons(stored: str | None) -> list[LinkReason]:
    """The reasons stored on one record, joined links first (the loader's order); [] when none were stored."""
    if not stored:
        return []
    return [_reason(link) for link in json.loads(stored)]
