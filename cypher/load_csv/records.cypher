// Full load, server-side: Neo4j reads the prepared CSV file $file from its import folder and writes generation
// $run in transactions of $batch rows. Empty cells are absent properties; "" is an empty string.
LOAD CSV WITH HEADERS FROM $file AS row
CALL (row) {
  MATCH (p:Person {run: $run, id: row.person_id})
  CREATE (p)-[:HAS_RECORD {match_probability: toFloat(row.match_probability)}]->(:SourceRecord {
    run: $run, key: row.key, source: row.source, system: row.system, record_id: row.record_id,
    first_name: row.first_name, last_name: row.last_name, dob: date(row.dob), extracted_at: date(row.extracted_at),
    link_reasons: row.link_reasons})
  RETURN 1 AS ok
} IN TRANSACTIONS OF $batch ROWS
RETURN count(ok) AS written
