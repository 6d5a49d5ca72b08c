"""Family relationships recorded in children's social care, as typed edges between people.

`relationship` says what the related person is to the person (docs/extracts.md), so "mother" becomes
(related)-[:PARENT_OF {kind: "mother"}]->(person).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graph_loader.extract_reader import read_rows
from graph_loader.people import StandardRecord, record_key

if TYPE_CHECKING:
    from graph_loader.load import LoadReport
    from linkage.sources_config import SourcesConfig

RELATIONSHIPS_FILE = "childrens_social_care_relationships.csv"
RELATIONSHIP_SOURCE = "lcs"
COUNTS_SOURCE = "lcs_relationships"

# The fixed list of relationship types: a value outside it is quarantined, never turned into Cypher.
TYPE_OF_KIND = {
    "mother": "PARENT_OF",
    "father": "PARENT_OF",
    "step-parent": "PARENT_OF",
    "sibling": "SIBLING_OF",
    "carer": "CARER_OF",
    "partner": "PARTNER_OF",
    "other": "RELATED_TO",
}


def relationship_rows(extracts: Path, cfg: "SourcesConfig", records: dict[str, StandardRecord],
                      report: "LoadReport") -> list[dict]:
    lcs = cfg.source(RELATIONSHIP_SOURCE)
    file = lcs.extra.get("relationships_file", RELATIONSHIPS_FILE)
    path = extracts / file
    if not path.is_file():
        return []
    rows = []
    for row_number, row in read_rows(path, ("lcs_id", "related_lcs_id", "relationship")):
        report.seen(COUNTS_SOURCE)
        kind = row["relationship"].strip().lower()
        person = records.get(record_key(RELATIONSHIP_SOURCE, row["lcs_id"].strip()))
        related = records.get(record_key(RELATIONSHIP_SOURCE, row["related_lcs_id"].strip()))
        label = f"{row['lcs_id'].strip()}->{row['related_lcs_id'].strip()}"
        if kind not in TYPE_OF_KIND:
            report.quarantine_row(COUNTS_SOURCE, file, row_number, label,
                                  "column 'relationship' has a value outside the known list")
        elif person is None or related is None:
            report.quarantine_row(COUNTS_SOURCE, file, row_number, label,
                                  "relationship refers to an LCS record that is not loaded (not linked, or "
                                  "quarantined)")
        elif person.person_id == related.person_id:
            report.quarantine_row(COUNTS_SOURCE, file, row_number, label,
                                  "both LCS records were linked to the same person")
        else:
            report.loaded(COUNTS_SOURCE)
            rows.append({"from_id": related.person_id, "to_id": person.person_id, "type": TYPE_OF_KIND[kind],
                         "kind": kind, "source": RELATIONSHIP_SOURCE})
    return rows
