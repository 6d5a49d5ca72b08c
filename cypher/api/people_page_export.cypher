// Integrators' paged export: people in id order after a cursor (the unique index on Person.id serves it).
MATCH (g:Published {id: 'graph'})
MATCH (p:Person)
WHERE p.run = g.run AND p.id IS NOT NULL AND ($after IS NULL OR p.id > $after)
WITH p
ORDER BY p.id
LIMIT $limit
RETURN p.id AS id, p.display_name AS display_name, p.dob AS dob, p.sex AS sex,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source] AS sources,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] AS case_ids,
       head([(p)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode]) AS current_address
