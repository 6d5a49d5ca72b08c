// Addresses the person shares, or shared, with other people: one page of them ($limit after the first $skip, in
// address id order, so that pages follow on), each with everyone else recorded there, youngest first.
MATCH (g:Published {id: 'graph'})
MATCH (p:Person {run: g.run, id: $id})-[:LIVES_AT]->(a:Address)
WHERE EXISTS { MATCH (a)<-[:LIVES_AT]-(o:Person) WHERE o <> p }
WITH DISTINCT p, a
ORDER BY a.id
SKIP $skip
LIMIT $limit
MATCH (a)<-[l:LIVES_AT]-(o:Person)
WHERE o <> p
WITH a, o, l
ORDER BY a.id, o.dob DESC
WITH a, collect({id: o.id, display_name: o.display_name, dob: o.dob, sex: o.sex, lives_there_now: l.current,
                 sources: [(o)-[:HAS_RECORD]->(r:SourceRecord) | r.source],
                 case_ids: [(o)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id],
                 current_address: head([(o)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode])})
       AS people
RETURN a {.id, .line, .postcode} AS address, people
ORDER BY a.id
