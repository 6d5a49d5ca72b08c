// The records the refreshed sources own in the published generation, by element id, batch by batch: their owner,
// their node and link (the switch finds them by element id, never by an index the switch itself is changing) and
// their properties (dates as ISO text), among them `holds_digest`, the digest of what the record holds
// (involvements, phones, addresses): a record that comes out with the same owner and digest is updated in place,
// not replaced, without walking what it points at. One row per batch: a row per record cost the driver more than
// the records (refresh/owned_record_ids lists them first).
UNWIND $rows AS eid
MATCH (r:SourceRecord) WHERE elementId(r) = eid
MATCH (p:Person {run: $run})-[h:HAS_RECORD]->(r)
RETURN collect({key: r.key, person_id: p.id, eid: eid, link: elementId(h), match_probability: h.match_probability,
                props: r {.*, dob: toString(r.dob)}}) AS batch
