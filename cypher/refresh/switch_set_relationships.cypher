// Switch: new property values for existing relationships (a record's match probability from the new linkage).
UNWIND $rows AS row
MATCH ()-[x]->() WHERE elementId(x) = row.eid
SET x += row.props
RETURN count(*) AS written
