// $lucene is built by resolvers/search_terms.py from letters only; $dob, $skip, $limit are plain parameters.
MATCH (g:Published {id: 'graph'})
CALL db.index.fulltext.queryNodes('person_names', $lucene) YIELD node AS p, score
WHERE p.run = g.run AND ($dob IS NULL OR p.dob = $dob OR ($dob_from IS NOT NULL AND p.dob >= $dob_from AND p.dob <= $dob_to))
WITH p, score
// Equal scores are common (one surname): the id settles their order, so that page 2 starts where page 1 ended.
ORDER BY score DESC, p.id
SKIP $skip
LIMIT $limit
// One row holding the hits in rank order: one record to stream instead of twenty (less driver work per search).
RETURN collect({id: p.id, display_name: p.display_name, first_name: p.first_name, last_name: p.last_name,
       dob: p.dob, sex: p.sex, score: score,
       sources: [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source],
       case_ids: [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id],
       current_address: head([(p)-[:LIVES_AT {current: true}]->(a:Address) | a.line + ', ' + a.postcode])}) AS hits
