UNWIND $rows AS row
MERGE (p:Practitioner {run: $run, id: row.id})
SET p.name = row.name, p.role = row.role, p.team = row.team, p.phone = row.phone, p.email = row.email
RETURN count(*) AS written
