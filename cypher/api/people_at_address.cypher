// Who lives or lived at an address, as any source system records it.
MATCH (g:Published {id: 'graph'})
MATCH (a:Address {run: g.run, id: $address_id})<-[l:LIVES_AT]-(p:Person)
WHERE ($seen_from IS NULL OR l.last_seen >= $seen_from) AND ($seen_to IS NULL OR l.last_seen <= $seen_to)
RETURN p.id AS id, p.display_name AS display_name, p.dob AS dob, p.sex AS sex,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source] AS sources,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] AS case_ids,
       head([(p)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode]) AS current_address,
       l.current AS lives_there_now, l.sources AS recorded_by, l.last_seen AS last_seen
ORDER BY l.current DESC, p.dob DESC
LIMIT $limit
