// Switch: people who now live at an address whose household stays join it.
UNWIND $rows AS row
MATCH (p:Person) WHERE elementId(p) = row.person
MATCH (h:Household) WHERE elementId(h) = row.household
CREATE (p)-[:MEMBER_OF]->(h)
RETURN count(*) AS written
