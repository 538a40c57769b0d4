// title: Overlapping accountability
// description: Pairs of different holders with the same kind of accountability for the same scope over overlapping periods, with the overlap's first and last year. Both accountabilities are named, so each overlap can be checked against its sources. A post and the body it sits in, a unit and its parent body, or a person and the post they held, do not count as two holders. Kinds that are shared by design (oversight, scrutiny, funding, delivery by several suppliers) are left out unless include_shared is true.
// param: include_shared string = false -- "true" to include oversight, scrutiny, funding and delivery
MATCH (a:Accountability)-[:SCOPE]->(scope)<-[:SCOPE]-(b:Accountability)
WHERE a.uri < b.uri AND a.startDate <= coalesce(b.endDate, date('9999-12-31'))
  AND b.startDate <= coalesce(a.endDate, date('9999-12-31'))
// overlapping pairs on one scope first (few), then their kind (a concept shared by thousands of records)
WITH DISTINCT a, b, scope
MATCH (a)-[:ACCOUNTABILITY_KIND]->(k)<-[:ACCOUNTABILITY_KIND]-(b), (a)-[:HOLDER]->(holderA), (b)-[:HOLDER]->(holderB)
WHERE holderA <> holderB AND k.notation IS NOT NULL
  AND ($include_shared = 'true' OR NOT k.notation IN ['oversight', 'scrutiny', 'funding', 'delivery'])
  // a post and its body, a unit and its parent, a person and their post: one line of accountability
  AND NOT (holderA)-[:POST_IN]->(holderB) AND NOT (holderB)-[:POST_IN]->(holderA)
  AND NOT EXISTS { MATCH (tenure)-[:POST]->(holderA) WHERE (tenure)-[:PERSON]->(holderB) }
  AND NOT EXISTS { MATCH (tenure)-[:POST]->(holderB) WHERE (tenure)-[:PERSON]->(holderA) }
  AND NOT (holderA)-[:PARENT]->(holderB) AND NOT (holderB)-[:PARENT]->(holderA)
WITH DISTINCT a, b, scope, k.notation AS kind, holderA, holderB,
     coalesce(a.endDate, date('9999-12-31')) AS ea, coalesce(b.endDate, date('9999-12-31')) AS eb
WITH a, b, scope, kind, holderA, holderB,
     CASE WHEN a.startDate > b.startDate THEN a.startDate ELSE b.startDate END AS overlapStart,
     CASE WHEN ea < eb THEN ea ELSE eb END AS overlapEnd
RETURN scope.uri AS scope, scope.prefLabel AS scopeLabel, kind, holderA.uri AS holderA,
       holderA.label AS holderALabel, holderB.uri AS holderB, holderB.label AS holderBLabel,
       overlapStart.year AS fromYear,
       CASE WHEN overlapEnd.year = 9999 THEN 'today' ELSE toString(overlapEnd.year) END AS toYear,
       a.uri AS a, b.uri AS b
ORDER BY scopeLabel IS NOT NULL, scopeLabel, kind, fromYear, holderALabel, holderBLabel
