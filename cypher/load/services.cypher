// Full load: the services of generation $run (one node per service per generation).
UNWIND $rows AS row
CREATE (s:Service {run: $run, key: row.key})
SET s.name = row.name, s.system = row.system
RETURN count(*) AS written
