// Full load, server-side: Neo4j reads the prepared CSV file $file from its import folder and writes generation
// $run in transactions of $batch rows. Empty cells are absent properties; "" is an empty string.
LOAD CSV WITH HEADERS FROM $file AS row
CALL (row) {
  CREATE (:Phone {run: $run, number: row.number})
  RETURN 1 AS ok
} IN TRANSACTIONS OF $batch ROWS
RETURN count(ok) AS written
