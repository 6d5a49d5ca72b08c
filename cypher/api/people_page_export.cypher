// Integrators' paged export: people in id order after a cursor, as a keyset seek on the (run, id) uniqueness
// index: `run` equal, `id` in a range, read in index order and stopped after $limit, so a page costs its own size
// whatever the generation's. Why it is written this way (PROFILE in docs/load_speed.md):
// - `$after IS NULL OR p.id > $after` cannot be planned as a seek; the first page instead passes no cursor, and
//   every id ('P-...') sorts after the empty string;
// - the seek sits in a subquery run for the one Published row, and orders by (run, id), the index's own order:
//   otherwise the planner cannot tell the order survives the join with Published and sorts every person (Top).
MATCH (g:Published {id: 'graph'})
CALL (g) {
  MATCH (p:Person)
  WHERE p.run = g.run AND p.id > coalesce($after, '')
  RETURN p
  ORDER BY p.run, p.id
  LIMIT $limit
}
WITH p
ORDER BY p.id
RETURN p.id AS id, p.display_name AS display_name, p.dob AS dob, p.sex AS sex,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source] AS sources,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] AS case_ids,
       head([(p)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode]) AS current_address
