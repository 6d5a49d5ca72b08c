// People within $depth steps of a person (family, household, shared address) who have involvements from the
// chosen concern sources ($sources: from a fixed list in resolvers/analysis.py), born by $born_by (or date of birth
// not known): one page of them ($limit after the first $skip), nearest first, then oldest, then by id.
MATCH (g:Published {id: 'graph'})
MATCH (start:Person {run: g.run, id: $id})
CALL apoc.path.subgraphNodes(start, {maxLevel: $depth, relationshipFilter: $relationship_filter,
                                     limit: $node_limit})
YIELD node
WITH start, node
WHERE node:Person AND node <> start AND (node.dob IS NULL OR node.dob <= $born_by)
MATCH (node)-[:HAS_RECORD]->(:SourceRecord)-[:RECORDS]->(i:Involvement)
WHERE i.source IN $sources
WITH node, collect(i {.kind, .status, .source, .start_date, .end_date}) AS involvements,
     head(COLLECT { MATCH path = shortestPath((start)-[:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO|MEMBER_OF|LIVES_AT*..6]-(node))
                    RETURN length(path) }) AS steps
RETURN node.id AS id, node.display_name AS display_name, node.dob AS dob, node.sex AS sex,
       [(node)-[:HAS_RECORD]->(r:SourceRecord) | r.source] AS sources,
       [(node)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id] AS case_ids,
       head([(node)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode]) AS current_address,
       involvements, steps
ORDER BY steps, dob, id
SKIP $skip
LIMIT $limit
