// title: Who was accountable for a scope in a given year
// description: Every accountability for the scope that was, or may have been, in force at some point in the year: the holder (a body, post or person), the kind of accountability, its dates and its sources. Coarse dates count from the start of their period to its end. endStatus is "known" when the end date is given (it may lie ahead), "current" when there is none, and "unknown" when the role ended on a day the sources do not give: such a role has no end but is listed only up to endedBy, the latest day it can have been held, never as current.
// param: scope iri:scope = national-digital-strategy -- the scope's key or IRI
// param: year integer = 2020 -- the calendar year
MATCH (accountability:Accountability)-[:SCOPE]->(:GovKG {uri: $scope})
MATCH (accountability)-[:HOLDER]->(holder)
MATCH (accountability)-[:ACCOUNTABILITY_KIND]->(kindConcept)
WHERE kindConcept.notation IS NOT NULL
  AND accountability.startDate <= date({year: $year, month: 12, day: 31})
  AND (accountability.endDate IS NULL OR accountability.endDate >= date({year: $year, month: 1, day: 1}))
CALL (accountability) {
  OPTIONAL MATCH (accountability)-[:WAS_DERIVED_FROM]->(src) WHERE src.key IS NOT NULL
  WITH DISTINCT src.key AS sourceKey ORDER BY sourceKey
  WITH collect(sourceKey) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), k IN tail(keys) | text + ' ' + k) END AS sources
}
WITH holder, kindConcept, accountability, sources, coalesce(accountability.endUnknown, false) AS endUnknown
RETURN holder.uri AS holder, holder.label AS holderLabel, kindConcept.notation AS kind,
       accountability.startDate AS start,
       CASE WHEN endUnknown THEN null ELSE accountability.endDate END AS end,
       CASE WHEN endUnknown THEN accountability.endDate ELSE null END AS endedBy,
       CASE WHEN endUnknown THEN 'unknown' WHEN accountability.endDate IS NULL THEN 'current'
            ELSE 'known' END AS endStatus,
       accountability.uri AS accountability, sources
ORDER BY kind, start, holderLabel IS NOT NULL, holderLabel
