// Full load: lead practitioners, contact gaps already filled from the staff directory.
UNWIND $rows AS row
CREATE (p:Practitioner)
SET p = row, p.run = $run
RETURN count(*) AS written
