// Relationship types come from a fixed list; the row only selects one of these branches.
UNWIND $rows AS row
MATCH (a:Person {id: row.from_id}), (b:Person {id: row.to_id})
FOREACH (_ IN CASE WHEN row.type = 'PARENT_OF' THEN [1] ELSE [] END |
  MERGE (a)-[x:PARENT_OF {source: row.source}]->(b) SET x.kind = row.kind, x.run = $run)
FOREACH (_ IN CASE WHEN row.type = 'SIBLING_OF' THEN [1] ELSE [] END |
  MERGE (a)-[x:SIBLING_OF {source: row.source}]->(b) SET x.kind = row.kind, x.run = $run)
FOREACH (_ IN CASE WHEN row.type = 'CARER_OF' THEN [1] ELSE [] END |
  MERGE (a)-[x:CARER_OF {source: row.source}]->(b) SET x.kind = row.kind, x.run = $run)
FOREACH (_ IN CASE WHEN row.type = 'PARTNER_OF' THEN [1] ELSE [] END |
  MERGE (a)-[x:PARTNER_OF {source: row.source}]->(b) SET x.kind = row.kind, x.run = $run)
FOREACH (_ IN CASE WHEN row.type = 'RELATED_TO' THEN [1] ELSE [] END |
  MERGE (a)-[x:RELATED_TO {source: row.source}]->(b) SET x.kind = row.kind, x.run = $run)
