// Full load: canonical people (id from linkage, stable across runs) of generation $run.
UNWIND $rows AS row
CREATE (p:Person)
SET p = row, p.run = $run
RETURN count(*) AS written
