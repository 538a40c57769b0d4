// title: Recommendations addressed to a body and its lineage
// description: Recommendations addressed to the body, to any of its predecessors, or to any body in the lineage of its successor today — so asking about NHS Connecting for Health also finds what was addressed to HSCIC, NHS Digital and NHS England. addressee says which body the recommendation named; today is the body that carries the responsibility now.
// param: body iri:body = nhs-digital -- the body's key or IRI
MATCH (:GovKG {uri: $body})-[:SUCCEEDED_BY*0..]->(today)
WHERE NOT (today)-[:SUCCEEDED_BY]->()
WITH DISTINCT today
MATCH (addressee)-[:SUCCEEDED_BY*0..]->(today)
WITH DISTINCT today, addressee
MATCH (recommendation:Recommendation)-[:ADDRESSED_TO]->(addressee)
WHERE recommendation.text IS NOT NULL
OPTIONAL MATCH (recommendation)-[:MADE_BY]->(maker) WHERE maker.label IS NOT NULL
OPTIONAL MATCH (recommendation)-[:RECOMMENDATION_STATUS]->(st) WHERE st.notation IS NOT NULL
RETURN DISTINCT recommendation.uri AS recommendation, recommendation.text AS text, addressee.uri AS addressee,
       addressee.label AS addresseeLabel, maker.label AS madeByLabel, recommendation.date AS date,
       st.notation AS status, today.uri AS today, today.label AS todayLabel
ORDER BY date IS NOT NULL, date, recommendation, addressee
