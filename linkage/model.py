"""The Splink model: comparisons, blocking rules and training rules, independent of the backend.

Everything here is built from Splink's comparison/blocking creators on pre-computed columns (see
linkage.standardise.MATCH_COLUMNS), so the same settings run on DuckDB and on Spark; only `linkage.backends`
knows which database is used.

Prior m and u probabilities are set on every level so a small extract (too small to train on) still gets a sensible
model; random sampling (u) and EM (m) replace them on real volumes.

The traps that must not merge:
- twins (same surname, DOB, address; different first names): the first-name "different" level carries a strong
  negative weight;
- parent and child with the same name: the DOB "different" level carries a strong negative weight, and a DOB that
  differs only by a day/month swap or one typed digit is a separate, positive level.
Household members share surname and address, which breaks Fellegi-Sunter's independence assumption, so weights alone
cannot be trusted here: `GUARDS` also stop a pair from being used for clustering when both forenames are present and
clearly different, both DOBs are present and clearly different, or both NHS numbers are valid and different -- unless
the NHS numbers are equal. Such pairs stay in predictions.csv for a person to review.
"""
from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule


def _first_name_comparison():
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="Canonical forename (nicknames resolved), with the alternative/preferred forename",
        comparison_levels=[
            cll.NullLevel("first_name_std"),
            cll.ExactMatchLevel("first_name_std").configure(
                tf_adjustment_column="first_name_std", m_probability=0.86, u_probability=0.01, tf_adjustment_weight=1.0,
                label_for_charts="Exact forename (nicknames resolved)"),
            cll.CustomLevel(
                "(first_name_std_l = alt_first_name_std_r OR alt_first_name_std_l = first_name_std_r "
                "OR alt_first_name_std_l = alt_first_name_std_r)",
                label_for_charts="Forename matches preferred forename").configure(m_probability=0.03, u_probability=0.002),
            cll.Or(cll.JaroWinklerLevel("first_name_std", 0.92), cll.JaroWinklerLevel("first_name_raw", 0.92)).configure(
                m_probability=0.06, u_probability=0.004, label_for_charts="Jaro-Winkler >= 0.92 (resolved or as written)"),
            cll.Or(cll.DamerauLevenshteinLevel("first_name_std", 1), cll.DamerauLevenshteinLevel("first_name_raw", 1)).configure(
                m_probability=0.02, u_probability=0.001, label_for_charts="One typing slip (Jodie/Josie)"),
            cll.CustomLevel(
                "(length(first_name_raw_l) >= 2 AND length(first_name_raw_r) >= 2 AND "
                "(substr(first_name_raw_l, 1, length(first_name_raw_r)) = first_name_raw_r OR "
                "substr(first_name_raw_r, 1, length(first_name_raw_l)) = first_name_raw_l))",
                label_for_charts="One forename starts the other (Jo/Joanne, Sam/Samuel)").configure(
                m_probability=0.02, u_probability=0.002),
            cll.JaroWinklerLevel("first_name_std", 0.85).configure(m_probability=0.035, u_probability=0.02),
            cll.ElseLevel().configure(m_probability=0.015, u_probability=0.964),
        ],
    )


def _surname_comparison():
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="Surname letters; double-barrelled part; spelling",
        comparison_levels=[
            cll.NullLevel("surname_std"),
            cll.ExactMatchLevel("surname_std").configure(
                tf_adjustment_column="surname_std", m_probability=0.80, u_probability=0.005, label_for_charts="Exact surname"),
            cll.JaroWinklerLevel("surname_std", 0.92).configure(m_probability=0.07, u_probability=0.003),
            cll.ArrayIntersectLevel("surname_tokens", min_intersection=1).configure(
                m_probability=0.05, u_probability=0.001, label_for_charts="Shares a surname part (double-barrelled)"),
            cll.JaroWinklerLevel("surname_std", 0.8).configure(m_probability=0.02, u_probability=0.02),
            cll.ElseLevel().configure(m_probability=0.06, u_probability=0.971),  # surnames change (marriage, care, step-parent)
        ],
    )


def _dob_comparison():
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth (ISO text)",
        comparison_levels=[
            cll.NullLevel("dob_std"),
            cll.ExactMatchLevel("dob_std").configure(m_probability=0.88, u_probability=0.0002, label_for_charts="Exact DOB"),
            cll.CustomLevel(
                "(substr(dob_std_l, 1, 4) = substr(dob_std_r, 1, 4) "
                "AND substr(dob_std_l, 6, 2) = substr(dob_std_r, 9, 2) "
                "AND substr(dob_std_l, 9, 2) = substr(dob_std_r, 6, 2))",
                label_for_charts="Day and month swapped").configure(m_probability=0.04, u_probability=0.00002),
            cll.LevenshteinLevel("dob_std", 1).configure(m_probability=0.06, u_probability=0.003,
                                                         label_for_charts="One character differs"),
            cll.ElseLevel().configure(m_probability=0.02, u_probability=0.99678),
        ],
    )


def _location_comparison():
    """Postcode and house number + street in one comparison, so one shared address is not counted twice."""
    return cl.CustomComparison(
        output_column_name="location",
        comparison_description="Address: postcode and house number + street (people move: disagreement is weak)",
        comparison_levels=[
            cll.CustomLevel("(postcode_std_l IS NULL OR postcode_std_r IS NULL) "
                            "AND (address_key_l IS NULL OR address_key_r IS NULL)").configure(is_null_level=True),
            cll.And(cll.ExactMatchLevel("postcode_std"), cll.ExactMatchLevel("address_key")).configure(
                m_probability=0.55, u_probability=0.0003, label_for_charts="Same postcode and house/street"),
            cll.ExactMatchLevel("postcode_std").configure(m_probability=0.15, u_probability=0.001,
                                                          label_for_charts="Same postcode"),
            cll.ExactMatchLevel("address_key").configure(m_probability=0.05, u_probability=0.0005,
                                                         label_for_charts="Same house/street, other postcode"),
            cll.ExactMatchLevel("postcode_district").configure(m_probability=0.08, u_probability=0.05,
                                                               label_for_charts="Same postcode district"),
            cll.ElseLevel().configure(m_probability=0.17, u_probability=0.9482),
        ],
    )


def _sex_comparison():
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex (U treated as unknown)",
        comparison_levels=[
            cll.CustomLevel("sex_l = 'U' OR sex_r = 'U' OR sex_l IS NULL OR sex_r IS NULL").configure(is_null_level=True),
            cll.ExactMatchLevel("sex").configure(m_probability=0.97, u_probability=0.5),
            cll.ElseLevel().configure(m_probability=0.03, u_probability=0.5),
        ],
    )


def _nhs_comparison():
    return cl.CustomComparison(
        output_column_name="nhs_number",
        comparison_description="NHS number (valid check digit only)",
        comparison_levels=[
            cll.NullLevel("nhs_number"),
            cll.ExactMatchLevel("nhs_number").configure(m_probability=0.995, u_probability=1e-6, fix_m_probability=True),
            cll.ElseLevel().configure(m_probability=0.005, u_probability=0.999999, fix_m_probability=True),
        ],
    )


COMPARISON_NAMES = ["first_name", "surname", "dob", "location", "sex", "nhs_number"]


def comparisons() -> list:
    return [_first_name_comparison(), _surname_comparison(), _dob_comparison(), _location_comparison(),
            _sex_comparison(), _nhs_comparison()]


def prediction_blocking_rules() -> list:
    """Blocking rules that keep recall: any one of them puts a pair up for scoring.

    Each rule pairs a key that catches one kind of mess with one that keeps blocks small as the town grows
    (a bare DOB or name + birth year block grows with the square of the population):
    DOB + either initial (surname changes, typos elsewhere); household (postcode + first initial);
    surname sound + forename + birth year (DOB typos); forename + surname + district (DOB missing).

    On the 1,000,000-record town: forename + birth year + district was dropped (4.6 million candidate pairs, a
    quarter of all, for 19 of the 343,545 true pairs found by no other rule); surname sound + forename *initial* +
    birth year became surname sound + (canonical) forename + birth year (5.0 million candidates -> 0.6 million; the
    true pairs only this rule finds went from 808 to 759).
    """
    return [
        block_on("nhs_number"),
        block_on("upn"),
        block_on("dob_std", "first_initial"),
        block_on("dob_std", "surname_initial"),
        block_on("postcode_std", "first_initial"),
        block_on("surname_soundex", "first_name_std", "birth_year"),
        block_on("first_name_std", "surname_std", "postcode_district"),
        block_on("alt_first_name_std", "surname_std"),
    ]


def em_training_rules() -> list:
    """Two EM passes: one blocked on DOB trains the name and address levels, one on names trains DOB."""
    return [block_on("dob_std"), block_on("first_name_std", "surname_std")]


def deterministic_rules() -> list:
    """Near-certain matches, used to estimate the prior probability that two random records match."""
    return [block_on("first_name_std", "surname_std", "dob_std"), block_on("nhs_number")]


# comparison output name -> (gamma value meaning "clearly different", why)
GUARDS = {
    "first_name": (0, "forenames present on both records and clearly different"),
    "dob": (0, "dates of birth present on both records and clearly different"),
    "nhs_number": (0, "valid NHS numbers that differ"),
}
GUARD_OVERRIDE = ("nhs_number", 1)  # an equal valid NHS number lifts the other guards


def guarded(predictions):
    """Boolean Series: True where a guard forbids using the pair for clustering (pandas frame with gamma_* columns)."""
    import pandas as pd

    blocked = pd.Series(False, index=predictions.index)
    for comp, (gamma, _why) in GUARDS.items():
        col = f"gamma_{comp}"
        if col in predictions.columns:
            blocked |= predictions[col].fillna(-1).astype(int) == gamma
    col, gamma = GUARD_OVERRIDE
    if f"gamma_{col}" in predictions.columns:
        blocked &= predictions[f"gamma_{col}"].fillna(-1).astype(int) != gamma
    return blocked


def enforce_monotonic_weights(linker) -> list[str]:
    """After training: no agreement level may weigh less than its comparison's "all other" level.

    EM sometimes drives the m of a rare level (e.g. same postcode, different house) to ~0, which would make a
    near-agreement count as strong evidence *against* a match. Such levels are lifted to the else level's weight.
    Returns a note per adjusted level (for run_report.json). Uses the linker's settings object directly.
    """
    notes = []
    for comp in linker._settings_obj.comparisons:
        levels = [lv for lv in comp.comparison_levels if not lv.is_null_level]
        if len(levels) < 2:
            continue
        else_level = levels[-1]
        m_e, u_e = else_level.m_probability, else_level.u_probability
        if not m_e or not u_e:
            continue
        ratio_else = m_e / u_e
        for lv in levels[:-1]:
            m, u = lv.m_probability, lv.u_probability
            if u is None or not u:
                continue
            if m is None or m / u < ratio_else:
                lv.m_probability = min(0.999, u * ratio_else)
                notes.append(f"{comp.output_column_name}: {lv.label_for_charts}: m {m} -> {lv.m_probability:.6g}")
    return notes


def settings(prior_match_probability: float = 1e-4) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="record_id",
        probability_two_random_records_match=prior_match_probability,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
    )


def settings_dict_for_docs() -> dict[str, Any]:
    return settings().create_settings_dict("duckdb")


__all__ = ["settings", "comparisons", "prediction_blocking_rules", "em_training_rules", "deterministic_rules",
           "COMPARISON_NAMES", "CustomRule", "GUARDS", "guarded",
           "enforce_monotonic_weights"]
