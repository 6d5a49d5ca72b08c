// What the graph shows now for the people a refresh touches: the switch changes only what differs from this.
// With it, as lists to keep the rows small: their records of the other sources, [key, element id, HAS_RECORD's
// element id, link reasons, match probability] (a refresh cannot move them, and updates their reasons and
// probability), and their address history, [address id, address element id, address line, current, sources,
// LIVES_AT's element id], so neither the records nor the addresses are looked up again by key. The date of birth
// comes as ISO text, and one row per batch: a row per person, and a date object per date, cost the driver more than
// the people.
UNWIND $rows AS pid
MATCH (p:Person {run: $run, id: pid})
RETURN collect({person_id: p.id, eid: elementId(p),
       props: p {.first_name, .last_name, .display_name, .sex, .search_names, dob: toString(p.dob)},
       others: [(p)-[h:HAS_RECORD]->(r:SourceRecord) WHERE NOT r.source IN $sources |
         [r.key, elementId(r), elementId(h), r.link_reasons, h.match_probability]],
       lives_at: [(p)-[l:LIVES_AT]->(a:Address) |
         [a.id, elementId(a), a.line, l.current, l.sources, elementId(l)]]}) AS batch
