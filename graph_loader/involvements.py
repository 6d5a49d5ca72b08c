"""Business rules: which source rows become a service involvement, and what of them is shown.

Each rule takes one extract row (a dict of the extract's columns, docs/extracts.md) and the source's extract date,
and returns the involvements to show — possibly none. The rules are the ones the first councils agreed with their
information-governance teams (product brief, "Source systems"); each has a test in tests/test_involvement_rules.py.
Only the minimum fields are kept: no case notes, no clinical data, no free text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from graph_loader.dates import months_before, parse_date

ASB_SHOWN_FROM = date(2014, 1, 1)
ARREARS_SHOWN_OVER_WEEKS = 6.0


@dataclass
class PractitionerRef:
    name: str
    role: str | None = None
    team: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass
class Involvement:
    source: str
    record_id: str
    service_key: str
    kind: str
    status: str  # "Current" or "Historic"
    start: date | None = None
    end: date | None = None
    last_contact: date | None = None
    details: list[tuple[str, str]] = field(default_factory=list)
    practitioner: PractitionerRef | None = None
    seq: int = 1

    @property
    def id(self) -> str:
        return f"{self.source}:{self.record_id}:{self.seq}"


def _blank(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _status(end: date | None) -> str:
    return "Current" if end is None else "Historic"


def _d(row: dict[str, str], column: str) -> date | None:
    return parse_date(row.get(column), column)


def _fmt(day: date) -> str:
    return day.isoformat()


def childrens_social_care(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """A child's case; adults recorded only as related people have no case of their own."""
    if not _blank(row.get("case_status")):
        return []
    end = _d(row, "case_end_date")
    open_case = row["case_status"].strip().lower() == "open" and end is None
    worker = _blank(row.get("allocated_worker"))
    return [Involvement(
        "lcs", record_id, "childrens_social_care", "Children's social care case",
        "Current" if open_case else "Historic", start=_d(row, "case_start_date"), end=end,
        details=[("LCS ID", record_id)],
        practitioner=PractitionerRef(worker, "Social Worker", _blank(row.get("allocated_team"))) if worker else None,
    )]


def adult_social_care(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """Shown only when a caseworker is assigned; dates are the current or most recent referral's."""
    worker = _blank(row.get("worker_name"))
    if not worker:
        return []
    end = _d(row, "referral_end_date")
    return [Involvement(
        "las", record_id, "adult_social_care", "Adult social care involvement", _status(end),
        start=_d(row, "referral_start_date"), end=end, last_contact=_d(row, "last_case_note_updated"),
        practitioner=PractitionerRef(worker, "Caseworker", _blank(row.get("team")), None,
                                     _blank(row.get("worker_email"))),
    )]


def education(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """Only the main registration of a dual-registered pupil is shown."""
    if (row.get("registration_type") or "").strip() == "dual_subsidiary":
        return []
    end = _d(row, "leaving_date")
    details = [("School", row.get("school_name", "").strip()), ("UPN", row.get("upn", "").strip())]
    if (row.get("registration_type") or "").strip() == "dual_main":
        details.append(("Registration", "Dual registered: main registration"))
    if _blank(row.get("attendance_pct")):
        details.append(("Attendance this year", f"{row['attendance_pct'].strip()}%"))
    if _blank(row.get("exclusions_count")):
        details.append(("Exclusions this year", row["exclusions_count"].strip()))
    contact = _blank(row.get("school_contact_name")) or _blank(row.get("school_name"))
    return [Involvement(
        "synergy", record_id, "education", "School registration", _status(end),
        start=_d(row, "admission_date"), end=end, details=[d for d in details if d[1]],
        practitioner=PractitionerRef(contact, "Designated safeguarding lead", _blank(row.get("school_name")),
                                     _blank(row.get("school_phone")), _blank(row.get("school_email")))
        if contact else None,
    )]


def housing_tenancy(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """Current tenants only; notices and eviction in the last 12 months; arrears only when over 6 weeks."""
    end = _d(row, "tenancy_end")
    if end is not None:
        return []
    year_ago = months_before(extracted_at, 12)
    details = [("Tenancy reference", (row.get("tenancy_ref") or "").strip())]
    nosp = _d(row, "nosp_date")
    details.append(("Notice of intent to seek possession", _fmt(nosp))
                   if nosp and nosp >= year_ago else
                   ("Notice of intent to seek possession", "None in the last 12 months"))
    eviction = _d(row, "eviction_proceedings_date")
    details.append(("Eviction proceedings", _fmt(eviction))
                   if eviction and eviction >= year_ago else
                   ("Eviction proceedings", "None in the last 12 months"))
    arrears = float((row.get("arrears_weeks") or "0").strip() or 0)
    details.append(("Rent arrears", f"{arrears:.1f} weeks") if arrears > ARREARS_SHOWN_OVER_WEEKS
                   else ("Rent arrears", "No current arrears over 6 weeks"))
    officer = _blank(row.get("housing_officer"))
    return [Involvement(
        "housing_tenancy", record_id, "housing", "Current tenancy", "Current",
        start=_d(row, "tenancy_start"), details=[d for d in details if d[1]],
        practitioner=PractitionerRef(officer, "Housing Officer", None, _blank(row.get("officer_phone")),
                                     _blank(row.get("officer_email"))) if officer else None,
    )]


def housing_asb(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """Perpetrators in a current or historic ASB case opened since 2014, tenant or not; victims and witnesses never."""
    if (row.get("role") or "").strip().lower() != "perpetrator":
        return []
    opened = _d(row, "case_opened")
    if opened is None or opened < ASB_SHOWN_FROM:
        return []
    closed = _d(row, "case_closed")
    officer = _blank(row.get("housing_officer"))
    return [Involvement(
        "housing_asb", record_id, "housing", "Anti-social behaviour case: named as perpetrator", _status(closed),
        start=opened, end=closed, details=[("ASB case", (row.get("asb_case_ref") or "").strip())],
        practitioner=PractitionerRef(officer, "Housing Officer") if officer else None,
    )]


def youth_justice(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    end = _d(row, "end_date")
    worker = _blank(row.get("worker_name"))
    return [Involvement(
        "yos", record_id, "youth_justice", (row.get("intervention_type") or "Youth justice intervention").strip(),
        _status(end), start=_d(row, "start_date"), end=end,
        practitioner=PractitionerRef(worker, "YOS Worker", None, _blank(row.get("worker_phone")),
                                     _blank(row.get("worker_email"))) if worker else None,
    )]


def probation(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """Dates and the practitioner's contact only: details beyond that are restricted."""
    end = _d(row, "supervision_end")
    name = _blank(row.get("practitioner_name"))
    return [Involvement(
        "probation", record_id, "probation", "Probation supervision", _status(end),
        start=_d(row, "supervision_start"), end=end,
        practitioner=PractitionerRef(name, "Probation Practitioner", None, _blank(row.get("practitioner_phone")),
                                     _blank(row.get("practitioner_email"))) if name else None,
    )]


def health(row: dict[str, str], record_id: str, extracted_at: date) -> list[Involvement]:
    """GP registration and, where there is one, the health visitor / school nurse / midwife. Never clinical detail."""
    found: list[Involvement] = []
    practice = _blank(row.get("gp_practice"))
    if practice:
        found.append(Involvement(
            "health", record_id, "health", "GP registration", "Current",
            details=[("GP practice", practice), ("NHS number", record_id)],
            practitioner=PractitionerRef(practice, "GP practice", None, _blank(row.get("gp_practice_phone"))),
        ))
    role = _blank(row.get("practitioner_role"))
    name = _blank(row.get("practitioner_name"))
    if role and name:
        found.append(Involvement(
            "health", record_id, "health", role[0].upper() + role[1:], "Current", seq=2,
            practitioner=PractitionerRef(name, role[0].upper() + role[1:], None,
                                         _blank(row.get("practitioner_phone")), _blank(row.get("practitioner_email"))),
        ))
    return found


Rule = Callable[[dict[str, str], str, date], list[Involvement]]

RULES: dict[str, Rule] = {
    "lcs": childrens_social_care,
    "las": adult_social_care,
    "synergy": education,
    "housing_tenancy": housing_tenancy,
    "housing_asb": housing_asb,
    "yos": youth_justice,
    "probation": probation,
    "health": health,
}
