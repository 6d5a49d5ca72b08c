// Identity of every node the loader writes: MERGE relies on these, and they stop duplicates.
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (r:SourceRecord) REQUIRE r.key IS UNIQUE;
CREATE CONSTRAINT address_id IF NOT EXISTS FOR (a:Address) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT household_id IF NOT EXISTS FOR (h:Household) REQUIRE h.id IS UNIQUE;
CREATE CONSTRAINT involvement_id IF NOT EXISTS FOR (i:Involvement) REQUIRE i.id IS UNIQUE;
CREATE CONSTRAINT service_key IF NOT EXISTS FOR (s:Service) REQUIRE s.key IS UNIQUE;
CREATE CONSTRAINT practitioner_id IF NOT EXISTS FOR (p:Practitioner) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT phone_number IF NOT EXISTS FOR (n:Phone) REQUIRE n.number IS UNIQUE;
CREATE CONSTRAINT load_run_id IF NOT EXISTS FOR (l:LoadRun) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT source_extract_source IF NOT EXISTS FOR (s:SourceExtract) REQUIRE s.source IS UNIQUE;
