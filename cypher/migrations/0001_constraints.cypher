// Identity of every node the loader writes. Since 0003 (generations) identity is (run, id), so the per-label
// single-property constraints this migration first created are dropped there; a fresh database only needs this one.
CREATE CONSTRAINT load_run_id IF NOT EXISTS FOR (l:LoadRun) REQUIRE l.id IS UNIQUE;
