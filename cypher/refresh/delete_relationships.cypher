// Family relationships a refreshed source recorded (rewritten from its new extract).
MATCH (p:Person)-[x:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO]->()
WHERE p.run = $run AND p.id IS NOT NULL AND x.source IN $sources
DELETE x
