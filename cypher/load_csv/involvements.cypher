// Full load, server-side: Neo4j reads the prepared CSV file $file from its import folder and writes generation
// $run in transactions of $batch rows, $concurrency at a time. Empty cells are absent properties; "" is an empty
// string. A transaction that fails (two concurrent ones can deadlock) is rolled back and its rows are returned in
// `failed`: graph_loader/csv_load.py writes them again one transaction at a time, where a real error fails the load.
LOAD CSV WITH HEADERS FROM $file AS row
CALL (row) {
  MATCH (r:SourceRecord {run: $run, key: row.record_key})
  MATCH (s:Service {run: $run, key: row.service_key})
  CREATE (r)-[:RECORDS]->(i:Involvement {run: $run, id: row.id, source: row.source, kind: row.kind,
    status: row.status, start_date: date(row.start_date), end_date: date(row.end_date),
    last_contact: date(row.last_contact), detail_labels: split(row.detail_labels, $array_delimiter),
    detail_values: split(row.detail_values, $array_delimiter)})-[:WITH]->(s)
  WITH i, row
  CALL (i, row) {
    MATCH (pr:Practitioner {run: $run, id: row.practitioner_id})
    CREATE (i)-[:LEAD_PRACTITIONER]->(pr)
  }
  RETURN 1 AS ok
} IN $concurrency CONCURRENT TRANSACTIONS OF $batch ROWS ON ERROR CONTINUE REPORT STATUS AS status
RETURN count(ok) AS written, collect(CASE WHEN NOT status.committed THEN row END) AS failed,
       head(collect(CASE WHEN NOT status.committed THEN status.errorMessage END)) AS error
