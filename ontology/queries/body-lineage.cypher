// title: Lineage of a body
// description: The body's predecessors (bodies it succeeded, however many steps back) and successors (bodies that took it over, up to today's), each step with its date and kind (merged, renamed, replaced, split, absorbed). direction says which side of the body the step lies on. Each step is a gk:LineageEvent node; the LINEAGE shortcut relationship carries the same kind and date.
// param: body iri:body = nhs-digital -- the body's key or IRI
CALL () {
  MATCH (:GovKG {uri: $body})<-[:SUCCEEDED_BY*0..]-(to)
  WITH DISTINCT to
  MATCH (event:LineageEvent)-[:SUCCESSOR]->(to), (event)-[:PREDECESSOR]->(from), (event)-[:LINEAGE_KIND]->(k)
  WHERE k.notation IS NOT NULL
  RETURN 'predecessor' AS direction, event, from, to, k.notation AS kind
  UNION
  MATCH (:GovKG {uri: $body})-[:SUCCEEDED_BY*0..]->(from)
  WITH DISTINCT from
  MATCH (event:LineageEvent)-[:PREDECESSOR]->(from), (event)-[:SUCCESSOR]->(to), (event)-[:LINEAGE_KIND]->(k)
  WHERE k.notation IS NOT NULL
  RETURN 'successor' AS direction, event, from, to, k.notation AS kind
}
RETURN direction, from.uri AS from, from.label AS fromLabel, kind, event.date AS date,
       to.uri AS to, to.label AS toLabel
ORDER BY date IS NOT NULL, date, fromLabel IS NOT NULL, fromLabel
