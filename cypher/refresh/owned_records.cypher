// The records the refreshed sources own in the published generation: their owner, their node and link (the switch
// finds them by element id, never by an index the switch itself is changing), everything the record carries (a
// record that comes out the same is updated in place, not replaced), and what may be orphaned once it is gone.
UNWIND $sources AS source
MATCH (r:SourceRecord {run: $run, source: source})
MATCH (p:Person {run: $run})-[h:HAS_RECORD]->(r)
RETURN r.key AS key, p.id AS person_id, elementId(r) AS eid, elementId(h) AS link,
       h.match_probability AS match_probability, properties(r) AS props,
       [(r)-[:RECORDS]->(i:Involvement)-[:WITH]->(s:Service) |
         {props: properties(i), service: s.key,
          practitioner: head([(i)-[:LEAD_PRACTITIONER]->(pr:Practitioner) | pr.id])}] AS involvements,
       [(r)-[x:HAS_PHONE]->(n:Phone) | {number: n.number, type: x.type, updated_at: x.updated_at}] AS phones,
       [(r)-[x:HAS_PHONE]->(n:Phone) | n.number] AS numbers,
       [(r)-[:RECORDED_AT]->(a:Address) | a.id] AS addresses,
       [(r)-[:RECORDS]->(:Involvement)-[:LEAD_PRACTITIONER]->(pr:Practitioner) | pr.id] AS practitioners
