UNWIND $rows AS number
MATCH (n:Phone {run: $run, number: number})
RETURN n.number AS number, elementId(n) AS eid
