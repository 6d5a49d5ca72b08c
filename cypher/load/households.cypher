UNWIND $rows AS row
MATCH (a:Address {id: row.address_id})
MERGE (h:Household {id: row.id})
SET h.run = $run
MERGE (h)-[at:AT]->(a)
SET at.run = $run
WITH h, row
UNWIND row.members AS member_id
MATCH (p:Person {id: member_id})
MERGE (p)-[m:MEMBER_OF]->(h)
SET m.run = $run
