// A problem report or its resolution: the person (published generation) and the keys of their source records.
MATCH (g:Published {id: 'graph'})
MATCH (p:Person {run: g.run, id: $id})
RETURN p.id AS id, [(p)-[:HAS_RECORD]->(r:SourceRecord) | {key: r.key, source: r.source}] AS records
