// People the refresh touches: new ones created, the others' shown name and DOB recomputed (identity untouched);
// their address history is rewritten from their records (lives_at follows).
UNWIND $rows AS row
MERGE (p:Person {run: $run, id: row.id})
SET p.first_name = row.first_name, p.last_name = row.last_name, p.display_name = row.display_name,
    p.dob = row.dob, p.sex = row.sex, p.search_names = row.search_names
WITH p
OPTIONAL MATCH (p)-[l:LIVES_AT]->()
DELETE l
WITH DISTINCT p
RETURN count(*) AS written
