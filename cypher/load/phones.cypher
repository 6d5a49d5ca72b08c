UNWIND $rows AS row
CREATE (n:Phone {run: $run, number: row.number})
RETURN count(*) AS written
