// Who lives at each address the refresh touches now, and its household with each member's MEMBER_OF: the switch
// adds and removes only the members that change, or rebuilds the household when there is not exactly one.
UNWIND $rows AS aid
MATCH (a:Address {run: $run, id: aid})
RETURN a.id AS address_id, elementId(a) AS eid,
       [(a)<-[:LIVES_AT {current: true}]-(p:Person) | {id: p.id, eid: elementId(p)}] AS residents,
       [(a)<-[:AT]-(h:Household) |
         {eid: elementId(h), members: [(h)<-[m:MEMBER_OF]-(p:Person) | [p.id, elementId(m)]]}] AS households
