// Generations (docs/graph_model.md): every full load writes its own copy of the graph, keyed by its run id, and the
// API reads only the generation the single (:Published) node names. Identity is therefore (run, id), not id alone.
DROP CONSTRAINT person_id IF EXISTS;
DROP CONSTRAINT source_record_key IF EXISTS;
DROP CONSTRAINT address_id IF EXISTS;
DROP CONSTRAINT household_id IF EXISTS;
DROP CONSTRAINT involvement_id IF EXISTS;
DROP CONSTRAINT service_key IF EXISTS;
DROP CONSTRAINT practitioner_id IF EXISTS;
DROP CONSTRAINT phone_number IF EXISTS;
DROP CONSTRAINT source_extract_source IF EXISTS;
CREATE CONSTRAINT person_run_id IF NOT EXISTS FOR (p:Person) REQUIRE (p.run, p.id) IS UNIQUE;
CREATE CONSTRAINT source_record_run_key IF NOT EXISTS FOR (r:SourceRecord) REQUIRE (r.run, r.key) IS UNIQUE;
CREATE CONSTRAINT address_run_id IF NOT EXISTS FOR (a:Address) REQUIRE (a.run, a.id) IS UNIQUE;
CREATE CONSTRAINT household_run_id IF NOT EXISTS FOR (h:Household) REQUIRE (h.run, h.id) IS UNIQUE;
CREATE CONSTRAINT involvement_run_id IF NOT EXISTS FOR (i:Involvement) REQUIRE (i.run, i.id) IS UNIQUE;
CREATE CONSTRAINT service_run_key IF NOT EXISTS FOR (s:Service) REQUIRE (s.run, s.key) IS UNIQUE;
CREATE CONSTRAINT practitioner_run_id IF NOT EXISTS FOR (p:Practitioner) REQUIRE (p.run, p.id) IS UNIQUE;
CREATE CONSTRAINT phone_run_number IF NOT EXISTS FOR (n:Phone) REQUIRE (n.run, n.number) IS UNIQUE;
CREATE CONSTRAINT source_extract_run_source IF NOT EXISTS FOR (s:SourceExtract) REQUIRE (s.run, s.source) IS UNIQUE;
CREATE CONSTRAINT published_id IF NOT EXISTS FOR (g:Published) REQUIRE g.id IS UNIQUE;
// A one-source refresh finds what the source owns by (run, source).
CREATE INDEX source_record_run_source IF NOT EXISTS FOR (r:SourceRecord) ON (r.run, r.source);
// A graph loaded before generations existed: its latest complete run becomes the published generation.
MATCH (l:LoadRun {status: 'complete'})
WITH l ORDER BY l.finished_at DESC LIMIT 1
MERGE (g:Published {id: 'graph'})
ON CREATE SET g.run = l.id, g.published_at = datetime();
MATCH (g:Published {id: 'graph'}), (s:Service)
WHERE s.run IS NULL
SET s.run = g.run;
