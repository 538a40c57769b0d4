// title: Lessons on a theme
// description: Lessons filed under the theme or any narrower theme, with the programme they were learned from, who raised them, when, and the source.
// param: theme iri:theme = governance -- the theme's key or IRI
MATCH (t)-[:BROADER*0..]->(:GovKG {uri: $theme})
WITH DISTINCT t
MATCH (lesson:Lesson)-[:THEME]->(t)
WHERE lesson.title IS NOT NULL AND lesson.lessonText IS NOT NULL
WITH DISTINCT lesson
OPTIONAL MATCH (lesson)-[:LEARNED_FROM]->(programme) WHERE programme.label IS NOT NULL
OPTIONAL MATCH (lesson)-[:RAISED_BY]->(raisedBy) WHERE raisedBy.label IS NOT NULL
CALL (lesson) {
  OPTIONAL MATCH (lesson)-[:WAS_DERIVED_FROM]->(src) WHERE src.key IS NOT NULL
  WITH DISTINCT src.key AS sourceKey ORDER BY sourceKey
  WITH collect(sourceKey) AS keys
  RETURN CASE WHEN size(keys) = 0 THEN null
         ELSE reduce(text = head(keys), k IN tail(keys) | text + ' ' + k) END AS sources
}
RETURN lesson.uri AS lesson, lesson.title AS title, lesson.lessonText AS lessonText,
       programme.label AS programmeLabel, raisedBy.label AS raisedByLabel, lesson.date AS date, sources
ORDER BY date IS NOT NULL, date, title
