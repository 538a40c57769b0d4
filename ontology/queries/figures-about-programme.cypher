// title: Figures about a programme
// description: Figures about the programme or any of its component projects, optionally of one kind (total-cost-estimate, cost-estimate-part, budget, spend-to-date, contract-value, benefit-forecast, benefit-realised, count, percentage, year): amount in base units, unit, kinds, what it measures, period, when the estimate was made (at the precision known: 2003, 2008-05 or 2010-11-18) and by whom, its price base, and its sources with their titles and dates (the key where a source has no title). Estimates that changed over time are separate rows, ordered by estimate date. includes lists figures already counted in this one and includedIn those that count it: never add such figures together.
// param: programme iri:programme = npfit -- the programme's key or IRI
// param: kind string = any -- a figure kind, or "any" for every figure
MATCH (thing)-[:PART_OF*0..]->(:GovKG {uri: $programme})
WITH DISTINCT thing
MATCH (figure:Figure)-[:ABOUT]->(thing), (figure)-[:UNIT]->(u)
WHERE figure.label IS NOT NULL AND figure.amount IS NOT NULL AND figure.measures IS NOT NULL
  AND u.notation IS NOT NULL
  AND ($kind = 'any' OR EXISTS { MATCH (figure)-[:FIGURE_KIND]->(wanted) WHERE wanted.notation = $kind })
CALL (figure) {
  OPTIONAL MATCH (figure)-[:FIGURE_KIND]->(k) WHERE k.notation IS NOT NULL
  WITH DISTINCT k.notation AS key ORDER BY key
  WITH collect(key) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), x IN tail(keys) | text + ' ' + x) END AS kinds
}
CALL (figure) {
  OPTIONAL MATCH (figure)-[:INCLUDES]->(part) WHERE part.key IS NOT NULL
  WITH DISTINCT part.key AS key ORDER BY key
  WITH collect(key) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), x IN tail(keys) | text + ' ' + x) END AS includes
}
CALL (figure) {
  OPTIONAL MATCH (whole)-[:INCLUDES]->(figure) WHERE whole.key IS NOT NULL
  WITH DISTINCT whole.key AS key ORDER BY key
  WITH collect(key) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), x IN tail(keys) | text + ' ' + x) END AS includedIn
}
CALL (figure) {
  OPTIONAL MATCH (figure)-[:WAS_DERIVED_FROM]->(src) WHERE src.key IS NOT NULL
  WITH DISTINCT src.key AS sourceKey ORDER BY sourceKey
  WITH collect(sourceKey) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), k IN tail(keys) | text + ' ' + k) END AS sources
}
CALL (figure) {
  OPTIONAL MATCH (figure)-[:WAS_DERIVED_FROM]->(src) WHERE src.key IS NOT NULL
  WITH DISTINCT coalesce(src.title, src.key) + CASE WHEN src.issued IS NULL THEN ''
         ELSE ' (' + CASE coalesce(src.issuedPrecision, 'day')
                       WHEN 'year' THEN substring(toString(src.issued), 0, 4)
                       WHEN 'month' THEN substring(toString(src.issued), 0, 7)
                       ELSE toString(src.issued) END + ')' END AS detail
  ORDER BY detail
  WITH collect(detail) AS details
  RETURN CASE WHEN size(details) = 0 THEN null
         ELSE reduce(text = head(details), d IN tail(details) | text + ' | ' + d) END AS sourceDetails
}
OPTIONAL MATCH (figure)-[:MADE_BY]->(maker)
WITH figure, thing, u, maker, kinds, includes, includedIn, sources, sourceDetails,
     figure.estimateDate AS estimated,
     CASE coalesce(figure.estimatePrecision, 'day')
       WHEN 'year' THEN substring(toString(figure.estimateDate), 0, 4)
       WHEN 'month' THEN substring(toString(figure.estimateDate), 0, 7)
       ELSE toString(figure.estimateDate) END AS estimateDate
RETURN figure.uri AS figure, figure.label AS label, figure.amount AS amount, u.notation AS unit, kinds,
       figure.measures AS measures, thing.label AS about, figure.periodStart AS periodStart,
       figure.periodEnd AS periodEnd, estimateDate, figure.priceBase AS priceBase,
       figure.qualifier AS qualifier, maker.label AS madeBy, includes, includedIn, sources, sourceDetails
ORDER BY estimated IS NOT NULL, estimated, periodStart IS NOT NULL, periodStart, label
