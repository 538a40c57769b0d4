// title: Figures about a programme
// description: Figures about the programme or any of its component projects: amount in base units, unit, what it measures, period, when the estimate was made, and the source. Estimates that changed over time are separate rows, ordered by estimate date.
// param: programme iri:programme = npfit -- the programme's key or IRI
MATCH (thing)-[:PART_OF*0..]->(:GovKG {uri: $programme})
WITH DISTINCT thing
MATCH (figure:Figure)-[:ABOUT]->(thing), (figure)-[:UNIT]->(u)
WHERE figure.label IS NOT NULL AND figure.amount IS NOT NULL AND figure.measures IS NOT NULL
  AND u.notation IS NOT NULL
CALL (figure) {
  OPTIONAL MATCH (figure)-[:WAS_DERIVED_FROM]->(src) WHERE src.key IS NOT NULL
  WITH DISTINCT src.key AS sourceKey ORDER BY sourceKey
  WITH collect(sourceKey) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), k IN tail(keys) | text + ' ' + k) END AS sources
}
RETURN figure.uri AS figure, figure.label AS label, figure.amount AS amount, u.notation AS unit,
       figure.measures AS measures, thing.label AS about, figure.periodStart AS periodStart,
       figure.periodEnd AS periodEnd, figure.estimateDate AS estimateDate, figure.qualifier AS qualifier, sources
ORDER BY estimateDate IS NOT NULL, estimateDate, periodStart IS NOT NULL, periodStart, label
