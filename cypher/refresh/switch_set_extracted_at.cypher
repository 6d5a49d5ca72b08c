// Switch: records kept in place whose only change is their extract date (every record, when a later extract comes).
// Rows are [element id, ISO date]: the driver sends text many times faster than date objects (refresh.py, _date_only).
UNWIND $rows AS row
MATCH (n) WHERE elementId(n) = row[0]
SET n.extracted_at = date(row[1])
RETURN count(*) AS written
