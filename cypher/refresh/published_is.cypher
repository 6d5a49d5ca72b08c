// Switch, first statement: the generation the refresh was staged against must still be the published one. Writing
// the pointer node also takes its lock, so a full load cannot publish while the switch runs.
MATCH (g:Published {id: 'graph'})
SET g.refreshed_at = datetime()
RETURN g.run AS run
