// Switch: address history entries and family relationships that are no longer true.
UNWIND $rows AS eid
MATCH ()-[x]->() WHERE elementId(x) = eid
DELETE x
RETURN count(*) AS written
