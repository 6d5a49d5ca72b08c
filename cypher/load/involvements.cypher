UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record_key})
MERGE (s:Service {key: row.service_key})
SET s.name = row.service_name, s.system = row.system
MERGE (i:Involvement {id: row.id})
SET i.source = row.source, i.kind = row.kind, i.status = row.status, i.start_date = row.start_date,
    i.end_date = row.end_date, i.last_contact = row.last_contact, i.detail_labels = row.detail_labels,
    i.detail_values = row.detail_values, i.run = $run
MERGE (r)-[rec:RECORDS]->(i)
SET rec.run = $run
MERGE (i)-[w:WITH]->(s)
SET w.run = $run
WITH i, row
WHERE row.practitioner_id IS NOT NULL
MATCH (pr:Practitioner {id: row.practitioner_id})
MERGE (i)-[lp:LEAD_PRACTITIONER]->(pr)
SET lp.run = $run
