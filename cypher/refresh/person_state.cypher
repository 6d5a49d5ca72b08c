// What the graph shows now for the people a refresh touches: the switch changes only what differs from this.
UNWIND $rows AS pid
MATCH (p:Person {run: $run, id: pid})
RETURN p.id AS person_id, elementId(p) AS eid,
       p {.first_name, .last_name, .display_name, .dob, .sex, .search_names} AS props,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.key] AS record_keys,
       [(p)-[l:LIVES_AT]->(a:Address) |
         {address_id: a.id, current: l.current, sources: l.sources, last_seen: l.last_seen, eid: elementId(l)}]
         AS lives_at
