UNWIND $rows AS row
CREATE (a:Address)
SET a = row, a.run = $run
RETURN count(*) AS written
