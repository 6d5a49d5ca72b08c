UNWIND $rows AS row
MATCH (a:Address {run: $run, id: row.address_id})
CREATE (h:Household {run: $run, id: row.id})-[:AT]->(a)
RETURN count(*) AS written
