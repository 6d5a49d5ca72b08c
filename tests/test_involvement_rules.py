"""The display rules the first councils agreed with their IG teams, one test each."""
from __future__ import annotations

from datetime import date

from graph_loader.involvements import (adult_social_care, childrens_social_care, education, health, housing_asb,
                                       housing_tenancy)
from graph_loader.service_catalogue import shown_at_age

EXTRACTED = date(2026, 11, 20)


def details(involvement) -> dict[str, str]:
    return dict(involvement.details)


def test_adult_social_care_needs_an_assigned_caseworker():
    row = {"worker_name": "", "referral_start_date": "2025-01-01", "referral_end_date": "",
           "last_case_note_updated": "2026-10-01", "worker_email": "", "team": "Adults North"}
    assert adult_social_care(row, "LAS1", EXTRACTED) == []
    shown = adult_social_care({**row, "worker_name": "Ann Green"}, "LAS1", EXTRACTED)
    assert len(shown) == 1
    assert shown[0].status == "Current"  # no end date
    assert shown[0].start == date(2025, 1, 1)  # start of last involvement
    assert shown[0].last_contact == date(2026, 10, 1)  # most recent interaction


def test_adult_social_care_with_an_end_date_is_historic():
    row = {"worker_name": "Ann Green", "referral_start_date": "2020-01-01", "referral_end_date": "2021-03-01",
           "last_case_note_updated": "2021-02-01"}
    assert adult_social_care(row, "LAS1", EXTRACTED)[0].status == "Historic"


def test_only_the_main_school_registration_is_shown():
    base = {"school_name": "Hillside Primary", "upn": "A123", "admission_date": "01-Sep-2020", "leaving_date": ""}
    assert education({**base, "registration_type": "dual_subsidiary"}, "A123-2", EXTRACTED) == []
    main = education({**base, "registration_type": "dual_main"}, "A123-1", EXTRACTED)
    assert main and details(main[0])["Registration"] == "Dual registered: main registration"


def test_housing_notices_only_in_the_last_twelve_months_and_arrears_only_over_six_weeks():
    row = {"tenancy_ref": "TEN1", "tenancy_start": "01/01/2015", "tenancy_end": "", "nosp_date": "21/11/2025",
           "eviction_proceedings_date": "19/11/2025", "arrears_weeks": "6.0", "housing_officer": "Bob Lee"}
    shown = details(housing_tenancy(row, "T1", EXTRACTED)[0])
    assert shown["Notice of intent to seek possession"] == "2025-11-21"
    assert shown["Eviction proceedings"] == "None in the last 12 months"
    assert shown["Rent arrears"] == "No current arrears over 6 weeks"
    assert details(housing_tenancy({**row, "arrears_weeks": "6.5"}, "T1", EXTRACTED)[0])["Rent arrears"] == "6.5 weeks"


def test_former_tenants_are_not_shown():
    row = {"tenancy_ref": "TEN1", "tenancy_start": "01/01/2015", "tenancy_end": "01/01/2020", "arrears_weeks": "0"}
    assert housing_tenancy(row, "T1", EXTRACTED) == []


def test_asb_perpetrators_since_2014_only():
    row = {"role": "perpetrator", "case_opened": "05/03/2016", "case_closed": "01/01/2017", "asb_case_ref": "ASB9"}
    assert housing_asb(row, "X1", EXTRACTED)[0].status == "Historic"
    assert housing_asb({**row, "case_opened": "31/12/2013"}, "X1", EXTRACTED) == []
    assert housing_asb({**row, "role": "victim"}, "X1", EXTRACTED) == []


def test_children_recorded_only_as_related_adults_have_no_case():
    assert childrens_social_care({"case_status": ""}, "LCS1", EXTRACTED) == []
    case = childrens_social_care({"case_status": "open", "case_start_date": "01/02/2026", "case_end_date": "",
                                  "allocated_worker": "Sam Ray", "allocated_team": "Front Door"}, "LCS1", EXTRACTED)
    assert case[0].status == "Current" and case[0].practitioner.name == "Sam Ray"


def test_health_shows_gp_and_health_visitor_but_no_clinical_detail():
    row = {"gp_practice": "Heaton Moor Medical", "gp_practice_phone": "0161 496 0000",
           "practitioner_role": "health visitor", "practitioner_name": "Jo Hart", "practitioner_phone": "",
           "practitioner_email": "jo.hart@nhs.example"}
    shown = health(row, "4010232137", EXTRACTED)
    assert [i.kind for i in shown] == ["GP registration", "Health visitor"]
    assert {label for i in shown for label, _ in i.details} <= {"GP practice", "NHS number"}


def test_age_gates_are_configurable(monkeypatch):
    assert not shown_at_age("housing", 15)
    assert shown_at_age("housing", 16)
    assert not shown_at_age("probation", 17)
    monkeypatch.setenv("FC_AGE_GATES", "housing=14")
    assert shown_at_age("housing", 15)
