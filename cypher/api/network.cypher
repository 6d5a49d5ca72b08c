// $relationship_filter and $label_filter are chosen from fixed lists in resolvers/network.py, never typed by a user.
MATCH (g:Published {id: 'graph'})
MATCH (start:Person {run: g.run, id: $id})
CALL apoc.path.subgraphAll(start, {maxLevel: $depth, relationshipFilter: $relationship_filter,
                                   labelFilter: $label_filter, limit: $limit})
YIELD nodes, relationships
RETURN [n IN nodes | {
          id: n.id, kind: labels(n)[0], label: coalesce(n.display_name, n.line, 'Household'),
          dob: n.dob, postcode: n.postcode,
          services: CASE WHEN n:Person
            THEN COLLECT { MATCH (n)-[:HAS_RECORD]->(:SourceRecord)-[:RECORDS]->(i:Involvement)-[:WITH]->(s:Service)
                           RETURN DISTINCT s.key + ':' + i.status }
            ELSE [] END}] AS nodes,
       [r IN relationships | {source: startNode(r).id, target: endNode(r).id, type: type(r), kind: r.kind}] AS edges
