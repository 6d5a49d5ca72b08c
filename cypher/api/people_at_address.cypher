// Who lives or lived at an address, as any source system records it: one page of them, in a stable order (living
// there now first, then youngest first, then by id), with how many there are in all.
// When someone was last seen there is not stored: it is the latest extract date of the systems that record the
// entry (l.sources), from the published generation's SourceExtract nodes.
MATCH (g:Published {id: 'graph'})
WITH g, COLLECT { MATCH (s:SourceExtract) WHERE s.run = g.run RETURN s } AS extracts
MATCH (a:Address {run: g.run, id: $address_id})<-[l:LIVES_AT]-(p:Person)
WITH p, l, reduce(seen = null, s IN extracts |
       CASE WHEN s.source IN l.sources AND (seen IS NULL OR s.extracted_at > seen) THEN s.extracted_at ELSE seen END)
     AS last_seen
WHERE ($seen_from IS NULL OR last_seen >= $seen_from) AND ($seen_to IS NULL OR last_seen <= $seen_to)
WITH p, l, last_seen
ORDER BY l.current DESC, p.dob DESC, p.id
WITH collect({p: p, l: l, last_seen: last_seen}) AS everyone
WITH size(everyone) AS total, everyone[$skip..$skip + $limit] AS page
// An empty page still answers one row, so that the total arrives with it.
UNWIND (CASE WHEN size(page) = 0 THEN [null] ELSE page END) AS row
WITH total, row.p AS p, row.l AS l, row.last_seen AS last_seen
RETURN total, p.id AS id, p.display_name AS display_name, p.dob AS dob, p.sex AS sex,
       CASE WHEN p IS NULL THEN [] ELSE [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.source] END AS sources,
       CASE WHEN p IS NULL THEN [] ELSE
         [(p)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] END AS case_ids,
       CASE WHEN p IS NULL THEN null ELSE
         head([(p)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode]) END AS current_address,
       l.current AS lives_there_now, l.sources AS recorded_by, last_seen
