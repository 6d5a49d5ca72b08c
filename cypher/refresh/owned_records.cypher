// The records the refreshed sources own in the published generation: their owner, their node and link (the switch
// finds them by element id, never by an index the switch itself is changing) and their properties, among them
// `holds_digest`, the digest of what the record holds (involvements, phones, addresses): a record that comes out
// with the same owner and digest is updated in place, not replaced, without walking what it points at.
UNWIND $sources AS source
MATCH (r:SourceRecord {run: $run, source: source})
MATCH (p:Person {run: $run})-[h:HAS_RECORD]->(r)
RETURN r.key AS key, p.id AS person_id, elementId(r) AS eid, elementId(h) AS link,
       h.match_probability AS match_probability, properties(r) AS props
