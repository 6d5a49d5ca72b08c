// Full load, server-side: Neo4j reads the prepared CSV file $file from its import folder and writes generation
// $run in transactions of $batch rows, $concurrency at a time. Empty cells are absent properties; "" is an empty
// string. A transaction that fails (two concurrent ones can deadlock) is rolled back and its rows are returned in
// `failed`: graph_loader/csv_load.py writes them again one transaction at a time, where a real error fails the load.
LOAD CSV WITH HEADERS FROM $file AS row
CALL (row) {
  // Relationship types come from a fixed list (graph_loader/relationships.py); the row only selects a branch.
  MATCH (a:Person {run: $run, id: row.from_id})
  MATCH (b:Person {run: $run, id: row.to_id})
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
  RETURN 1 AS ok
} IN $concurrency CONCURRENT TRANSACTIONS OF $batch ROWS ON ERROR CONTINUE REPORT STATUS AS status
RETURN count(ok) AS written, collect(CASE WHEN NOT status.committed THEN row END) AS failed,
       head(collect(CASE WHEN NOT status.committed THEN status.errorMessage END)) AS error
