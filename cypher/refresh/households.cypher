// Households at the addresses the refresh touched, rebuilt from who currently lives there.
UNWIND $rows AS aid
OPTIONAL MATCH (old:Household {run: $run, id: 'H-' + substring(aid, 2)})
DETACH DELETE old
WITH DISTINCT aid
MATCH (a:Address {run: $run, id: aid})
WITH a, aid, [(a)<-[:LIVES_AT {current: true}]-(p:Person) | p] AS residents
WHERE size(residents) > 0
CREATE (h:Household {run: $run, id: 'H-' + substring(aid, 2)})-[:AT]->(a)
FOREACH (p IN residents | CREATE (p)-[:MEMBER_OF]->(h))
RETURN count(*) AS written
