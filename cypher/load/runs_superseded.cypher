// Complete generations other than the published one whose copy is still in the database.
MATCH (g:Published {id: 'graph'}), (l:LoadRun {kind: 'full', status: 'complete'})
WHERE l.id <> g.run AND l.removed_at IS NULL
RETURN l.id AS id
