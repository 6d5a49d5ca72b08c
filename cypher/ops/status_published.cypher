// `family-context status`: the generation readers see, and when it was switched.
OPTIONAL MATCH (g:Published {id: 'graph'})
RETURN g.run AS run, g.published_at AS published_at, g.previous AS previous
