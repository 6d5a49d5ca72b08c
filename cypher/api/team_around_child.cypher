// Every practitioner currently involved with the person or the people around them, with why they are listed.
MATCH (g:Published {id: 'graph'})
MATCH (child:Person {run: g.run, id: $id})
CALL (child) {
  RETURN child AS member, {type: 'SELF'} AS relation
  UNION
  MATCH (child)-[rel:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO]-(other:Person)
  RETURN other AS member, {type: type(rel), kind: rel.kind, outgoing: startNode(rel) = child} AS relation
  UNION
  MATCH (child)-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(other:Person)
  WHERE other <> child
  RETURN other AS member, {type: 'HOUSEHOLD'} AS relation
}
MATCH (member)-[:HAS_RECORD]->(:SourceRecord)-[:RECORDS]->(i:Involvement {status: 'Current'})-[:WITH]->(s:Service)
MATCH (i)-[:LEAD_PRACTITIONER]->(pr:Practitioner)
RETURN pr {.id, .name, .role, .team, .phone, .email} AS practitioner,
       collect({person_id: member.id, person_name: member.display_name, dob: member.dob, relation: relation,
                service_key: s.key, service: s.name, kind: i.kind}) AS reasons
