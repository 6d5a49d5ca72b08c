UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p.display_name = row.display_name, p.first_name = row.first_name, p.last_name = row.last_name,
    p.dob = row.dob, p.sex = row.sex, p.search_names = row.search_names, p.run = $run
