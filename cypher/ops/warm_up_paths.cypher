// Warm the JVM's compiled code for the read paths a refresh and the API take, after ops/warm_up has put the stores
// in the page cache: a fresh JVM compiles Neo4j's code as it runs it, and at a million people that compiling took
// as much CPU as the first refresh after a restart itself. So $people people of the published generation are read
// the way refresh/person_state and the person page read them: by index seek, with their records, address history
// and household (nothing is returned but counts). A sample is enough: the JVM compiles code once it has run often.
// Each person is found again by (run, id), as the refresh finds them (a unique index seek per person).
MATCH (g:Published {id: 'graph'})
MATCH (s:Person) WHERE s.run = g.run
WITH g, s.id AS pid LIMIT $people
MATCH (p:Person {run: g.run, id: pid})
WITH p,
     [(p)-[h:HAS_RECORD]->(r:SourceRecord) |
       [r.key, elementId(r), elementId(h), r.link_reasons, h.match_probability,
        r {.*, dob: toString(r.dob)}]] AS records,
     [(p)-[l:LIVES_AT]->(a:Address) | [a.id, elementId(a), a.line, l.current, l.sources, elementId(l)]] AS lives_at,
     [(p)-[:MEMBER_OF]->(h:Household)-[:AT]->(a:Address) | [elementId(h), a.id]] AS households
RETURN count(p) AS people, sum(size(records)) AS records, sum(size(lives_at)) AS addresses,
       sum(size(households)) AS households
