UNWIND $rows AS row
MERGE (a:Address {run: $run, id: row.id})
ON CREATE SET a.line = row.line, a.postcode = row.postcode
ON MATCH SET a.line = CASE WHEN size(row.line) > size(a.line) THEN row.line ELSE a.line END
RETURN count(*) AS written
