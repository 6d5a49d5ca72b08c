// A case id (LCS or LAS id, NHS number, UPN, any system's record id) goes straight to the person who owns it.
MATCH (g:Published {id: 'graph'})
MATCH (r:SourceRecord)
WHERE (r.record_id = $case_id OR r.record_id STARTS WITH $case_id + '-') AND r.run = g.run
MATCH (p:Person)-[:HAS_RECORD]->(r)
WITH DISTINCT p
ORDER BY p.id
SKIP $skip
LIMIT $limit
// One row holding the hits in rank order: one record to stream instead of twenty (less driver work per search).
RETURN collect({id: p.id, display_name: p.display_name, first_name: p.first_name, last_name: p.last_name,
       dob: p.dob, sex: p.sex, score: 1.0,
       sources: [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source],
       case_ids: [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id],
       current_address: head([(p)-[:LIVES_AT {current: true}]->(a:Address) | a.line + ', ' + a.postcode])}) AS hits
