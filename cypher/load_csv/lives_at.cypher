// Full load, server-side: Neo4j reads the prepared CSV file $file from its import folder and writes generation
// $run in transactions of $batch rows, $concurrency at a time. Empty cells are absent properties; "" is an empty
// string. A transaction that fails (two concurrent ones can deadlock) is rolled back and its rows are returned in
// `failed`: graph_loader/csv_load.py writes them again one transaction at a time, where a real error fails the load.
LOAD CSV WITH HEADERS FROM $file AS row
CALL (row) {
  MATCH (p:Person {run: $run, id: row.person_id})
  MATCH (a:Address {run: $run, id: row.address_id})
  CREATE (p)-[:LIVES_AT {sources: split(row.sources, $array_delimiter), current: toBoolean(row.current)}]->(a)
  RETURN 1 AS ok
} IN $concurrency CONCURRENT TRANSACTIONS OF $batch ROWS ON ERROR CONTINUE REPORT STATUS AS status
RETURN count(ok) AS written, collect(CASE WHEN NOT status.committed THEN row END) AS failed,
       head(collect(CASE WHEN NOT status.committed THEN status.errorMessage END)) AS error
