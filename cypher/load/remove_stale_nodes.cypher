MATCH (n)
WHERE (n:Person OR n:SourceRecord OR n:Address OR n:Household OR n:Involvement OR n:Practitioner OR n:Phone)
  AND n.run <> $run
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
