// title: Scopes with no accountable holder in a year
// description: Scopes that had a leading holder (accountable, responsible, SRO, delivery, policy or sponsor — not oversight, scrutiny or funding) at some time before and after the year, so the year falls inside the scope's life, but none in force during the year. lastBefore and nextAfter are the neighbouring holders' end and start dates.
// param: year integer = 2008 -- the calendar year
WITH ['accountable', 'responsible', 'sro', 'delivery', 'policy', 'sponsor'] AS leading,
     date({year: $year, month: 1, day: 1}) AS yearStart, date({year: $year, month: 12, day: 31}) AS yearEnd
MATCH (scope:Scope)
WHERE NOT EXISTS {
  MATCH (z:Accountability)-[:SCOPE]->(scope), (z)-[:ACCOUNTABILITY_KIND]->(k2)
  WHERE k2.notation IN leading AND z.startDate <= yearEnd AND (z.endDate IS NULL OR z.endDate >= yearStart)
}
CALL (scope, leading, yearStart) {
  MATCH (x:Accountability)-[:SCOPE]->(scope), (x)-[:ACCOUNTABILITY_KIND]->(k)
  WHERE k.notation IN leading AND x.endDate < yearStart
  RETURN max(x.endDate) AS lastBefore
}
CALL (scope, leading, yearEnd) {
  MATCH (y:Accountability)-[:SCOPE]->(scope), (y)-[:ACCOUNTABILITY_KIND]->(k)
  WHERE k.notation IN leading AND y.startDate > yearEnd
  RETURN min(y.startDate) AS nextAfter
}
WITH scope, lastBefore, nextAfter WHERE lastBefore IS NOT NULL AND nextAfter IS NOT NULL
RETURN scope.uri AS scope, scope.prefLabel AS scopeLabel, lastBefore, nextAfter
ORDER BY scopeLabel IS NOT NULL, scopeLabel
