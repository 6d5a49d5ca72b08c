// Search by case id goes straight to a record; search by name uses a full-text index over every name variant.
CREATE INDEX source_record_id IF NOT EXISTS FOR (r:SourceRecord) ON (r.record_id);
CREATE INDEX person_dob IF NOT EXISTS FOR (p:Person) ON (p.dob);
CREATE FULLTEXT INDEX person_names IF NOT EXISTS FOR (p:Person) ON EACH [p.search_names];
