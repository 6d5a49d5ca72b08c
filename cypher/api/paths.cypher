// Shortest connections between two people through family, households and shared addresses (at most 6 hops;
// the resolver trims to the caller's $max_hops).
MATCH (g:Published {id: 'graph'})
MATCH (a:Person {run: g.run, id: $from_id}), (b:Person {run: g.run, id: $to_id})
MATCH path = allShortestPaths((a)-[:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO|MEMBER_OF|LIVES_AT*..6]-(b))
WHERE length(path) <= $max_hops
WITH path
LIMIT $limit
RETURN [n IN nodes(path) | {id: n.id, kind: labels(n)[0], label: coalesce(n.display_name, n.line, 'Household'),
                            dob: n.dob, postcode: n.postcode, services: []}] AS nodes,
       [r IN relationships(path) | {source: startNode(r).id, target: endNode(r).id, type: type(r), kind: r.kind}]
         AS edges
