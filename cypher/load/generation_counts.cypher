// Nodes per label in one generation (the loader checks them against what it sent before publishing).
CALL () {
  MATCH (n:Person) WHERE n.run = $run AND n.id IS NOT NULL RETURN 'Person' AS label, count(n) AS nodes
  UNION ALL MATCH (n:SourceRecord) WHERE n.run = $run AND n.key IS NOT NULL RETURN 'SourceRecord' AS label, count(n) AS nodes
  UNION ALL MATCH (n:Address) WHERE n.run = $run AND n.id IS NOT NULL RETURN 'Address' AS label, count(n) AS nodes
  UNION ALL MATCH (n:Household) WHERE n.run = $run AND n.id IS NOT NULL RETURN 'Household' AS label, count(n) AS nodes
  UNION ALL MATCH (n:Involvement) WHERE n.run = $run AND n.id IS NOT NULL RETURN 'Involvement' AS label, count(n) AS nodes
  UNION ALL MATCH (n:Service) WHERE n.run = $run AND n.key IS NOT NULL RETURN 'Service' AS label, count(n) AS nodes
  UNION ALL MATCH (n:Practitioner) WHERE n.run = $run AND n.id IS NOT NULL RETURN 'Practitioner' AS label, count(n) AS nodes
  UNION ALL MATCH (n:Phone) WHERE n.run = $run AND n.number IS NOT NULL RETURN 'Phone' AS label, count(n) AS nodes
  UNION ALL MATCH (n:SourceExtract) WHERE n.run = $run AND n.source IS NOT NULL RETURN 'SourceExtract' AS label, count(n) AS nodes
}
RETURN label, nodes
