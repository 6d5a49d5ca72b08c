UNWIND $rows AS row
MERGE (p:Practitioner {run: $run, id: row.id})
SET p += row
RETURN count(*) AS written
