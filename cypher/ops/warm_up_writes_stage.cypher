// The start's write warm-up, step 1 (family_context/neo4j_server.py, warm_up_writes): $people made-up people, each
// with two records, an address history entry, an address and a household, under the warm-up's own run id
// ($scratch): readers match the published run, so none of it is ever visible, and none of it is anybody's data.
// Property types are those a refresh's switch writes (flags, lists of text, numbers, text), and the records carry as
// many properties as real ones, with a link-reasons text of $reasons's length (long text is stored apart).
UNWIND range(1, $people) AS i
CREATE (p:Person {run: $scratch, id: 'W' + i, display_name: 'warm-up', dob: date('2000-01-01') + duration({days: i % 9000}),
                  sex: 'U'})
CREATE (a:Address {run: $scratch, id: 'WA' + i, line: 'warm-up ' + i, postcode: 'ZZ99 9ZZ'})
CREATE (h:Household {run: $scratch, id: 'WH' + i})
CREATE (p)-[:LIVES_AT {sources: ['warm-up'], current: true}]->(a)
CREATE (p)-[:MEMBER_OF]->(h)-[:AT]->(a)
WITH p, i
UNWIND [1, 2] AS n
CREATE (p)-[:HAS_RECORD {match_probability: 0.99}]->
       (:SourceRecord {run: $scratch, key: 'warm-up:' + i + ':' + n, source: 'warm-up', holds_digest: 'warm-up',
                       link_reasons: $reasons, first_name: 'warm-up',
                       last_name: 'warm-up', system: 'warm-up', dob: date('2000-01-01')})
RETURN count(DISTINCT p) AS people
