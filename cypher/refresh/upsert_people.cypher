// People the refresh touches: new ones created, the others' shown name and DOB recomputed; their address history
// is rewritten from their records (lives_at follows).
UNWIND $rows AS row
MERGE (p:Person {run: $run, id: row.id})
SET p += row
WITH p
OPTIONAL MATCH (p)-[l:LIVES_AT]->()
DELETE l
WITH DISTINCT p
RETURN count(*) AS written
