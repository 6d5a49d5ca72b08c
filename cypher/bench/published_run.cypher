// bench/bench_search_cost.py only: the cheapest query every API read starts with, to show Neo4j's fixed cost per
// query (Bolt, transaction, plan cache) beside the search's.
MATCH (g:Published {id: 'graph'})
RETURN g.run AS run
