// Phones, practitioners and addresses nothing points at any more.
CALL () {
  UNWIND $numbers AS number
  MATCH (n:Phone {run: $run, number: number})
  WHERE NOT ()-[:HAS_PHONE]->(n)
  DETACH DELETE n
  RETURN count(*) AS phones
}
CALL () {
  UNWIND $practitioners AS id
  MATCH (p:Practitioner {run: $run, id: id})
  WHERE NOT ()-[:LEAD_PRACTITIONER]->(p)
  DETACH DELETE p
  RETURN count(*) AS practitioners
}
CALL () {
  UNWIND $addresses AS id
  MATCH (a:Address {run: $run, id: id})
  WHERE NOT ()-[:RECORDED_AT]->(a)
  DETACH DELETE a
  RETURN count(*) AS addresses
}
RETURN phones, practitioners, addresses
