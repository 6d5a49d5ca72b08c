UNWIND $rows AS pid
MATCH (p:Practitioner {run: $run, id: pid})
RETURN p.id AS id, elementId(p) AS eid, p {.id, .name, .role, .team, .phone, .email} AS props
