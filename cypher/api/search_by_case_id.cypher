// A case id (LCS or LAS id, NHS number, UPN, any system's record id) goes straight to the person who owns it.
MATCH (g:Published {id: 'graph'})
MATCH (r:SourceRecord)
WHERE (r.record_id = $case_id OR r.record_id STARTS WITH $case_id + '-') AND r.run = g.run
MATCH (p:Person)-[:HAS_RECORD]->(r)
WITH DISTINCT p
LIMIT $limit
RETURN p.id AS id, p.display_name AS display_name, p.first_name AS first_name, p.last_name AS last_name,
       p.dob AS dob, p.sex AS sex, 1.0 AS score,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source] AS sources,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] AS case_ids,
       head([(p)-[:LIVES_AT {current: true}]->(a:Address) | a.line + ', ' + a.postcode]) AS current_address
