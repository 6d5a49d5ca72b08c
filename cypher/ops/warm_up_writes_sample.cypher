// The start's write warm-up, step 3 (family_context/neo4j_write_warm_up.py): the made-up data's element ids and
// values, as a refresh's switch takes them. Only nodes under the warm-up's own run id ($scratch).
MATCH (p:Person) WHERE p.run = $scratch AND p.id IS NOT NULL
WITH collect(p) AS people
RETURN [p IN people | elementId(p)] AS people,
       COLLECT { UNWIND people AS p MATCH (p)-[x:HAS_RECORD]->(r:SourceRecord)
                 RETURN {eid: elementId(r), person: elementId(p), probability: x.match_probability} } AS records,
       COLLECT { UNWIND people AS p MATCH (p)-[l:LIVES_AT]->(a:Address)
                 RETURN {eid: elementId(l), person: elementId(p), address: elementId(a), current: l.current} }
                 AS lives,
       COLLECT { UNWIND people AS p MATCH (p)-[m:MEMBER_OF]->(h:Household)-[:AT]->(a:Address)
                 RETURN {eid: elementId(h), id: h.id, address: elementId(a), member: elementId(p),
                         member_link: elementId(m)} } AS households
