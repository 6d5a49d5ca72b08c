UNWIND $rows AS row
MERGE (n:Phone {run: $run, number: row.number})
RETURN count(*) AS written
