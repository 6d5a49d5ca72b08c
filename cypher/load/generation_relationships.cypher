// Relationships per type in one generation: every relationship starts at a node of the same generation.
MATCH (n)-[r]->()
WHERE n.run = $run
RETURN type(r) AS type, count(r) AS relationships
