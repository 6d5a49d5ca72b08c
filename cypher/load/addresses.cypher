UNWIND $rows AS row
MERGE (a:Address {id: row.id})
SET a.line = row.line, a.postcode = row.postcode, a.run = $run
