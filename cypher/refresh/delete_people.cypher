// People left with no record (all of theirs belonged to the refreshed source and are gone).
UNWIND $rows AS pid
MATCH (p:Person {run: $run, id: pid})
WHERE NOT (p)-[:HAS_RECORD]->()
DETACH DELETE p
RETURN count(*) AS written
