// Staging: new Practitioner nodes get the refresh's own run id, so no reader (who matches `run: g.run`) reaches them
// until the switch stamps them with the published one.
UNWIND $rows AS row
CREATE (n:Practitioner)
SET n = row, n.run = $stage
RETURN coalesce(row.id, row.number) AS id, elementId(n) AS eid
