// Switch: staged people, addresses, practitioners and phones join the published generation.
UNWIND $rows AS eid
MATCH (n) WHERE elementId(n) = eid
SET n.run = $run
RETURN count(*) AS written
