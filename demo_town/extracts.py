"""The files of docs/extracts.md: their exact headers, and the writers that stream rows (and truth rows) to disk."""
from __future__ import annotations

import csv
from pathlib import Path

# source name -> (file, system, header). The header order is the contract's column order.
SOURCES: dict[str, tuple[str, str, list[str]]] = {
    "lcs": ("childrens_social_care.csv", "Liquidlogic LCS",
            ["lcs_id", "forename", "surname", "dob", "gender", "address_line_1", "address_line_2", "town",
             "postcode", "person_type", "case_status", "case_start_date", "case_end_date", "allocated_worker",
             "allocated_team"]),
    "las": ("adult_social_care.csv", "Liquidlogic LAS",
            ["las_id", "first_name", "last_name", "date_of_birth", "sex", "address", "postcode", "nhs_number",
             "referral_start_date", "referral_end_date", "last_case_note_updated", "worker_name", "worker_email",
             "team"]),
    "synergy": ("education.csv", "Synergy",
                ["record_id", "upn", "registration_seq", "legal_forename", "legal_surname", "preferred_forename",
                 "dob", "gender", "address_line_1", "address_line_2", "postcode", "school_name", "school_phone",
                 "school_email", "school_contact_name", "registration_type", "admission_date", "leaving_date",
                 "attendance_pct", "exclusions_count"]),
    "housing_tenancy": ("housing_tenancies.csv", "Stockport Homes",
                        ["tenant_ref", "tenancy_ref", "forename", "surname", "dob", "address", "postcode",
                         "tenancy_start", "tenancy_end", "nosp_date", "eviction_proceedings_date", "arrears_weeks",
                         "housing_officer", "officer_phone", "officer_email"]),
    "housing_asb": ("housing_asb.csv", "Stockport Homes ASB database",
                    ["asb_party_id", "asb_case_ref", "forename", "surname", "dob", "address", "postcode", "role",
                     "case_opened", "case_closed", "housing_officer"]),
    "yos": ("youth_justice.csv", "Youth Offending Service",
            ["yos_id", "first_name", "surname", "dob", "gender", "address", "postcode", "intervention_type",
             "start_date", "end_date", "worker_name", "worker_phone", "worker_email"]),
    "probation": ("probation.csv", "Probation (nDelius)",
                  ["crn", "forename", "surname", "dob", "gender", "address", "postcode", "supervision_start",
                   "supervision_end", "practitioner_name", "practitioner_phone", "practitioner_email"]),
    "health": ("health.csv", "Health (GP registration and 0-19 service)",
               ["nhs_number", "given_name", "family_name", "birth_date", "sex", "address", "postcode",
                "gp_practice", "gp_practice_phone", "practitioner_role", "practitioner_name", "practitioner_phone",
                "practitioner_email"]),
}
# Files that are not a person-bearing source of their own.
OTHER_FILES: dict[str, list[str]] = {
    "childrens_social_care_relationships.csv": ["lcs_id", "related_lcs_id", "relationship"],
    "contact_numbers.csv": ["source", "source_record_id", "phone_number", "phone_type", "updated_at"],
    "staff_directory.csv": ["staff_id", "name", "role", "team", "service", "phone", "email"],
    "truth.csv": ["source", "record_id", "true_person_id"],
}
RELATIONSHIPS, CONTACTS, STAFF, TRUTH = OTHER_FILES


def all_headers() -> dict[str, list[str]]:
    """file name -> header, for every CSV the generator writes."""
    out = {file: header for file, _, header in SOURCES.values()}
    out.update(OTHER_FILES)
    return out


class Sinks:
    """One open CSV writer per file; counts rows; writes a truth row with every source record."""

    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self._files = {}
        self._writers = {}
        self.rows: dict[str, int] = {}
        for file, header in all_headers().items():
            fh = open(out / file, "w", newline="", encoding="utf-8")
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(header)
            self._files[file], self._writers[file], self.rows[file] = fh, w, 0
        self._source_writer = {src: self._writers[f] for src, (f, _, _) in SOURCES.items()}
        self._source_file = {src: f for src, (f, _, _) in SOURCES.items()}
        self._truth = self._writers[TRUTH]

    def record(self, source: str, row: list, true_person_id: str) -> None:
        """A source record (its id is the first column) and its truth row."""
        self._source_writer[source].writerow(row)
        self.rows[self._source_file[source]] += 1
        self._truth.writerow((source, row[0], true_person_id))
        self.rows[TRUTH] += 1

    def write(self, file: str, row) -> None:
        self._writers[file].writerow(row)
        self.rows[file] += 1

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
