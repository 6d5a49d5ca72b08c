// Other sources' records of the people a refresh touches: who owns them now (a refresh cannot move them), and
// their match probability and link reasons, which new linkage output may change (the switch updates them).
UNWIND $rows AS key
MATCH (r:SourceRecord {run: $run, key: key})<-[h:HAS_RECORD]-(p:Person)
RETURN r.key AS key, p.id AS person_id, elementId(r) AS eid, elementId(h) AS link, r.link_reasons AS link_reasons,
       h.match_probability AS match_probability
