UNWIND $rows AS pid
MATCH (p:Person {run: $run, id: pid})
RETURN p.id AS id, elementId(p) AS eid
