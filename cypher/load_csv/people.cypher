// Full load, server-side: Neo4j reads the prepared CSV file $file from its import folder and writes generation
// $run in transactions of $batch rows. Empty cells are absent properties; "" is an empty string.
LOAD CSV WITH HEADERS FROM $file AS row
CALL (row) {
  CREATE (:Person {run: $run, id: row.id, first_name: row.first_name, last_name: row.last_name,
                  display_name: row.display_name, dob: date(row.dob), sex: row.sex, search_names: row.search_names})
  RETURN 1 AS ok
} IN TRANSACTIONS OF $batch ROWS
RETURN count(ok) AS written
