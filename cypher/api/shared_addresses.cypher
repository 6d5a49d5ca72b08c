// People who share, or shared, an address with the person.
MATCH (g:Published {id: 'graph'})
MATCH (p:Person {run: g.run, id: $id})-[:LIVES_AT]->(a:Address)<-[l:LIVES_AT]-(o:Person)
WHERE o <> p
WITH a, o, l
ORDER BY a.id, o.dob DESC
WITH a, collect({id: o.id, display_name: o.display_name, dob: o.dob, sex: o.sex, lives_there_now: l.current,
                 sources: [(o)-[:HAS_RECORD]->(r:SourceRecord) | r.source],
                 case_ids: [(o)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.source IN $case_sources | r.record_id],
                 current_address: head([(o)-[:LIVES_AT {current: true}]->(x:Address) | x.line + ', ' + x.postcode])})
       AS people
RETURN a {.id, .line, .postcode} AS address, people
LIMIT $limit
