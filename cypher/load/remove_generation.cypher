// Remove one generation's copy in small transactions (never the published one: the caller checks, and so does this).
CALL () {
  MATCH (n:Involvement) WHERE n.run = $run AND n.id IS NOT NULL RETURN n
  UNION ALL MATCH (n:SourceRecord) WHERE n.run = $run AND n.key IS NOT NULL RETURN n
  UNION ALL MATCH (n:Phone) WHERE n.run = $run AND n.number IS NOT NULL RETURN n
  UNION ALL MATCH (n:Household) WHERE n.run = $run AND n.id IS NOT NULL RETURN n
  UNION ALL MATCH (n:Person) WHERE n.run = $run AND n.id IS NOT NULL RETURN n
  UNION ALL MATCH (n:Address) WHERE n.run = $run AND n.id IS NOT NULL RETURN n
  UNION ALL MATCH (n:Practitioner) WHERE n.run = $run AND n.id IS NOT NULL RETURN n
  UNION ALL MATCH (n:Service) WHERE n.run = $run AND n.key IS NOT NULL RETURN n
  UNION ALL MATCH (n:SourceExtract) WHERE n.run = $run AND n.source IS NOT NULL RETURN n
}
WITH n
WHERE NOT EXISTS { MATCH (g:Published {id: 'graph'}) WHERE g.run = $run }
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS
