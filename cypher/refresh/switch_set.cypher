// Switch: new property values for existing people, addresses and practitioners (only those that changed).
UNWIND $rows AS row
MATCH (n) WHERE elementId(n) = row.eid
SET n += row.props
RETURN count(*) AS written
