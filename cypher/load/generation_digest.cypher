// A generation's content without its run id, person by person: two generations of the same input, written by any
// path (transactional, bulk, full load or refresh), give the same rows. Used by tests and the benchmark.
MATCH (p:Person)
WHERE p.run = $run AND p.id IS NOT NULL
RETURN p.id AS id, p.display_name AS name, p.dob AS dob, p.sex AS sex, p.search_names AS search_names,
  apoc.coll.sort([(p)-[h:HAS_RECORD]->(r:SourceRecord) | r.key + '|' + toString(h.match_probability) + '|' +
    coalesce(toString(r.dob), '') + '|' + coalesce(r.link_reasons, '') + '|' +
    apoc.text.join(apoc.coll.sort([(r)-[x:HAS_PHONE]->(n:Phone) | n.number + '/' + coalesce(x.type, '') + '/' +
                                   coalesce(toString(x.updated_at), '')]), ',') + '|' +
    apoc.text.join(apoc.coll.sort([(r)-[:RECORDED_AT]->(a:Address) | a.id]), ',') + '|' +
    apoc.text.join(apoc.coll.sort([(r)-[:RECORDS]->(i:Involvement)-[:WITH]->(s:Service) |
      i.id + '/' + s.key + '/' + i.status + '/' + coalesce(toString(i.start_date), '') + '/' +
      coalesce(toString(i.end_date), '') + '/' + apoc.text.join(coalesce(i.detail_values, []), ';') + '/' +
      coalesce(head([(i)-[:LEAD_PRACTITIONER]->(pr:Practitioner) |
        pr.id + ':' + coalesce(pr.phone, '') + ':' + coalesce(pr.email, '')]), '')]), ',')]) AS records,
  apoc.coll.sort([(p)-[l:LIVES_AT]->(a:Address) | a.id + '|' + toString(l.current) + '|' +
    apoc.text.join(l.sources, ',') + '|' + a.postcode]) AS addresses,
  apoc.coll.sort([(p)-[:MEMBER_OF]->(h:Household)-[:AT]->(a:Address) | h.id + '@' + a.id]) AS households,
  apoc.coll.sort([(p)-[x:PARENT_OF|SIBLING_OF|CARER_OF|PARTNER_OF|RELATED_TO]->(o:Person) |
    type(x) + '|' + x.kind + '|' + x.source + '|' + o.id]) AS relationships
ORDER BY id
