// Warm Neo4j's page cache after a start (family_context/neo4j_server.py): Community edition has no warm-up of its
// own, so without this the first refresh or person page after a restart faults the stores in a page at a time
// (and runs Neo4j's read paths before the JVM has compiled them: reading everything once warms those too).
// Read only. Every node with all its properties (node, property, string and array stores), every relationship with
// its properties (relationship store), and a scan of each range index the refresh and the API seek: (run, id) and
// its kin, records by (run, source) and by case id, people by date of birth. Where an index does not exist yet (a
// new, empty database), the planner scans the label instead, which costs nothing there.
CALL () {
  MATCH (n) RETURN count(n) AS nodes, sum(size(keys(properties(n)))) AS node_properties
}
CALL () {
  MATCH ()-[r]->() RETURN count(r) AS relationships, sum(size(keys(properties(r)))) AS relationship_properties
}
CALL () {
  MATCH (n:Person) WHERE n.run IS NOT NULL AND n.id IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:Person) WHERE n.dob IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:SourceRecord) WHERE n.run IS NOT NULL AND n.key IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:SourceRecord) WHERE n.run IS NOT NULL AND n.source IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:SourceRecord) WHERE n.record_id IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:Address) WHERE n.run IS NOT NULL AND n.id IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:Household) WHERE n.run IS NOT NULL AND n.id IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:Involvement) WHERE n.run IS NOT NULL AND n.id IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:Phone) WHERE n.run IS NOT NULL AND n.number IS NOT NULL RETURN count(n) AS entries
  UNION ALL
  MATCH (n:Practitioner) WHERE n.run IS NOT NULL AND n.id IS NOT NULL RETURN count(n) AS entries
}
RETURN nodes, relationships, node_properties + relationship_properties AS properties, sum(entries) AS index_entries
