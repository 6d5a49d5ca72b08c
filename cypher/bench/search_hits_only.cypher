// bench/bench_api.py only: api/search_by_name without the hits' details (records, address), to show what the
// full-text index call itself costs Neo4j at 20 concurrent searches.
MATCH (g:Published {id: 'graph'})
CALL db.index.fulltext.queryNodes('person_names', $lucene) YIELD node AS p, score
WHERE p.run = g.run AND ($dob IS NULL OR p.dob = $dob OR ($dob_from IS NOT NULL AND p.dob >= $dob_from AND p.dob <= $dob_to))
WITH p, score
ORDER BY score DESC
LIMIT $limit
RETURN collect(p.id) AS hits
