MATCH (s:Service {run: $run})
RETURN s.key AS key, elementId(s) AS eid
