// title: Everything one source document supports
// description: Every record that cites the source document (bodies, programmes, accountabilities, lessons, findings, recommendations, targets, figures, lineage steps), with its type and label. type is each of the record's labels that stands for a GovKG class (the push records which labels those are on the :GovKGMeta node).
// param: source iri:source = seed-nao20-summary -- the source's key or IRI
MATCH (meta:GovKGMeta {id: 'projection'})
WITH [i IN range(0, size(meta.classIris) - 1)
      WHERE meta.classIris[i] STARTS WITH 'https://w3id.org/govkg/ontology#' | meta.classLabels[i]] AS gkLabels
MATCH (record:GovKG)-[:WAS_DERIVED_FROM]->(:GovKG {uri: $source})
WITH DISTINCT record, gkLabels
UNWIND [l IN labels(record) WHERE l IN gkLabels] AS type
RETURN record.uri AS record, type, record.label AS label, record.certainty AS certainty
ORDER BY type, label IS NOT NULL, label
