// $lucene is built by resolvers/search_terms.py from letters only; $dob, $limit are plain parameters.
MATCH (g:Published {id: 'graph'})
CALL db.index.fulltext.queryNodes('person_names', $lucene) YIELD node AS p, score
WHERE p.run = g.run AND ($dob IS NULL OR p.dob = $dob OR ($dob_from IS NOT NULL AND p.dob >= $dob_from AND p.dob <= $dob_to))
WITH p, score
ORDER BY score DESC
LIMIT $limit
RETURN p.id AS id, p.display_name AS display_name, p.first_name AS first_name, p.last_name AS last_name,
       p.dob AS dob, p.sex AS sex, score,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source] AS sources,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] AS case_ids,
       head([(p)-[:LIVES_AT {current: true}]->(a:Address) | a.line + ', ' + a.postcode]) AS current_address
