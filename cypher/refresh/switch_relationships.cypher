// Switch: family relationships new in the refreshed extract. Types come from a fixed list
// (graph_loader/relationships.py); the row only selects a branch.
UNWIND $rows AS row
MATCH (a:Person) WHERE elementId(a) = row.from
MATCH (b:Person) WHERE elementId(b) = row.to
FOREACH (_ IN CASE WHEN row.type = 'PARENT_OF' THEN [1] ELSE [] END |
  CREATE (a)-[:PARENT_OF {source: row.source, kind: row.kind}]->(b))
FOREACH (_ IN CASE WHEN row.type = 'SIBLING_OF' THEN [1] ELSE [] END |
  CREATE (a)-[:SIBLING_OF {source: row.source, kind: row.kind}]->(b))
FOREACH (_ IN CASE WHEN row.type = 'CARER_OF' THEN [1] ELSE [] END |
  CREATE (a)-[:CARER_OF {source: row.source, kind: row.kind}]->(b))
FOREACH (_ IN CASE WHEN row.type = 'PARTNER_OF' THEN [1] ELSE [] END |
  CREATE (a)-[:PARTNER_OF {source: row.source, kind: row.kind}]->(b))
FOREACH (_ IN CASE WHEN row.type = 'RELATED_TO' THEN [1] ELSE [] END |
  CREATE (a)-[:RELATED_TO {source: row.source, kind: row.kind}]->(b))
RETURN count(*) AS written
