// Family relationships a refreshed source recorded, as the graph holds them now.
MATCH (a:Person)-[x:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO]->(b:Person)
WHERE a.run = $run AND a.id IS NOT NULL AND x.source IN $sources
RETURN a.id AS from_id, b.id AS to_id, type(x) AS type, x.kind AS kind, x.source AS source, elementId(x) AS eid
