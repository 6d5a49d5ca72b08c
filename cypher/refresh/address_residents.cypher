// Who lives at each address the refresh touches now, and its household: the switch rebuilds a household only if
// its members change.
UNWIND $rows AS aid
MATCH (a:Address {run: $run, id: aid})
RETURN a.id AS address_id, elementId(a) AS eid,
       [(a)<-[:LIVES_AT {current: true}]-(p:Person) | {id: p.id, eid: elementId(p)}] AS residents,
       [(a)<-[:AT]-(h:Household) | {eid: elementId(h), members: [(h)<-[:MEMBER_OF]-(m:Person) | m.id]}] AS households
