UNWIND $rows AS aid
MATCH (a:Address {run: $run, id: aid})
RETURN a.id AS id, elementId(a) AS eid, a.line AS line
