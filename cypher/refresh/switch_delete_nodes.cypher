// Switch: people left without any record, and households whose members change (rebuilt by switch_households).
UNWIND $rows AS eid
MATCH (n) WHERE elementId(n) = eid
DETACH DELETE n
RETURN count(*) AS written
