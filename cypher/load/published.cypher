OPTIONAL MATCH (g:Published {id: 'graph'})
RETURN g.run AS run
