// Switch: address history entries that stay and whose only change is their "last seen" date (every tenant's, when a
// later extract comes). Rows are [element id, ISO date], as in switch_set_extracted_at.
UNWIND $rows AS row
MATCH ()-[x]->() WHERE elementId(x) = row[0]
SET x.last_seen = date(row[1])
RETURN count(*) AS written
