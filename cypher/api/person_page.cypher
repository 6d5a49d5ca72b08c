// Everything the person page shows, in one round trip however large the family is. A record's extract date and an
// address's "last seen" are not stored on them: they come from the sources' extracts (the last column).
MATCH (g:Published {id: 'graph'})
MATCH (p:Person {run: g.run, id: $id})
RETURN p {.id, .display_name, .first_name, .last_name, .dob, .sex} AS person,
  [(p)-[h:HAS_RECORD]->(r:SourceRecord) |
    {source: r.source, system: r.system, record_id: r.record_id, match_probability: h.match_probability,
     link_reasons: r.link_reasons}] AS records,
  [(p)-[l:LIVES_AT]->(a:Address) |
    {id: a.id, line: a.line, postcode: a.postcode, current: l.current, sources: l.sources}] AS addresses,
  [(p)-[:HAS_RECORD]->(r:SourceRecord)-[:RECORDS]->(i:Involvement)-[:WITH]->(s:Service) |
    {id: i.id, source: i.source, service_key: s.key, kind: i.kind, status: i.status, start_date: i.start_date,
     end_date: i.end_date, last_contact: i.last_contact, detail_labels: i.detail_labels,
     detail_values: i.detail_values,
     practitioner: head([(i)-[:LEAD_PRACTITIONER]->(pr:Practitioner) |
       pr {.name, .role, .team, .phone, .email}])}] AS involvements,
  [(p)-[rel:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO]-(o:Person) |
    {type: type(rel), kind: rel.kind, outgoing: startNode(rel) = p, source: rel.source,
     person: o {.id, .display_name, .dob, .sex,
       sources: [(o)-[:HAS_RECORD]->(x:SourceRecord) | x.source],
       case_ids: [(o)-[:HAS_RECORD]->(x:SourceRecord) WHERE x.source IN $case_sources | x.record_id],
       current_address: head([(o)-[:LIVES_AT {current: true}]->(a:Address) | a.line + ', ' + a.postcode])}}]
    AS relationships,
  [(p)-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(o:Person) WHERE o <> p |
    o {.id, .display_name, .dob, .sex,
       sources: [(o)-[:HAS_RECORD]->(x:SourceRecord) | x.source],
       case_ids: [(o)-[:HAS_RECORD]->(x:SourceRecord) WHERE x.source IN $case_sources | x.record_id],
       current_address: head([(o)-[:LIVES_AT {current: true}]->(a:Address) | a.line + ', ' + a.postcode])}]
    AS household,
  [(p)-[:HAS_RECORD]->(r:SourceRecord)-[h:HAS_PHONE]->(n:Phone) |
    {number: n.number, type: h.type, source: r.source, updated_at: h.updated_at}] AS phones,
  COLLECT { MATCH (s:SourceExtract) WHERE s.run = p.run RETURN s {.source, .system, .extracted_at, .coverage_from, .coverage_to} }
    AS extracts
