// `family-context status`: nodes per label in the published generation.
MATCH (g:Published {id: 'graph'})
CALL (g) {
  MATCH (n:Person) WHERE n.run = g.run AND n.id IS NOT NULL RETURN 'people' AS what, count(n) AS n
  UNION ALL MATCH (n:SourceRecord) WHERE n.run = g.run AND n.key IS NOT NULL RETURN 'source_records' AS what, count(n) AS n
  UNION ALL MATCH (n:Address) WHERE n.run = g.run AND n.id IS NOT NULL RETURN 'addresses' AS what, count(n) AS n
  UNION ALL MATCH (n:Household) WHERE n.run = g.run AND n.id IS NOT NULL RETURN 'households' AS what, count(n) AS n
  UNION ALL MATCH (n:Involvement) WHERE n.run = g.run AND n.id IS NOT NULL RETURN 'involvements' AS what, count(n) AS n
  UNION ALL MATCH (n:Practitioner) WHERE n.run = g.run AND n.id IS NOT NULL RETURN 'practitioners' AS what, count(n) AS n
}
RETURN what, n
