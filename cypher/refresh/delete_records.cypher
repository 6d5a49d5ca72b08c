// Remove the refreshed sources' records and what hangs off them; return what may now be orphaned.
UNWIND $rows AS key
MATCH (r:SourceRecord {run: $run, key: key})
OPTIONAL MATCH (r)-[:RECORDS]->(i:Involvement)
OPTIONAL MATCH (i)-[:LEAD_PRACTITIONER]->(pr:Practitioner)
WITH r, collect(DISTINCT i) AS involvements, collect(DISTINCT pr.id) AS practitioners,
     [(r)-[:HAS_PHONE]->(n:Phone) | n.number] AS numbers, [(r)-[:RECORDED_AT]->(a:Address) | a.id] AS addresses
FOREACH (i IN involvements | DETACH DELETE i)
DETACH DELETE r
RETURN practitioners, numbers, addresses
