UNWIND $rows AS row
MATCH (p:Person) WHERE elementId(p) = row.person
MATCH (a:Address) WHERE elementId(a) = row.address
CREATE (p)-[:LIVES_AT {sources: row.sources, current: row.current}]->(a)
RETURN count(*) AS written
