// What the graph shows now for the people a refresh touches: the switch changes only what differs from this.
// With it, as lists to keep the rows small: their records of the other sources, [key, element id, HAS_RECORD's
// element id, link reasons, match probability] (a refresh cannot move them, and updates their reasons and
// probability), and their address history, [address id, address element id, address line, current, sources,
// last seen, LIVES_AT's element id], so neither the records nor the addresses are looked up again by key.
UNWIND $rows AS pid
MATCH (p:Person {run: $run, id: pid})
RETURN p.id AS person_id, elementId(p) AS eid,
       p {.first_name, .last_name, .display_name, .dob, .sex, .search_names} AS props,
       [(p)-[h:HAS_RECORD]->(r:SourceRecord) WHERE NOT r.source IN $sources |
         [r.key, elementId(r), elementId(h), r.link_reasons, h.match_probability]] AS others,
       [(p)-[l:LIVES_AT]->(a:Address) |
         [a.id, elementId(a), a.line, l.current, l.sources, l.last_seen, elementId(l)]] AS lives_at
