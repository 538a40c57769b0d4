#!/usr/bin/env bash
# Build the browser assets that GovKG ships, once, from the npm registry: YASGUI (@zazuko/yasgui, the query
# page of `govkg serve` at /), its editor YASQE (@zazuko/yasqe, the explorer's SPARQL editor) and Swagger UI
# (swagger-ui-dist, the API page at /api/docs). The versions are pinned in scripts/web/package.json and
# package-lock.json (npm ci); the built files are copied into graph/endpoint/static/ and
# explorer/sparql_editor/ and checked in, so nothing is downloaded at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../graph/endpoint/static"
cd "$here/web"
npm ci --ignore-scripts --no-audit --no-fund
mkdir -p "$out/yasgui" "$out/swagger-ui"
cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css "$out/yasgui/"
cp node_modules/@zazuko/yasgui/LICENSE "$out/yasgui/LICENSE" 2>/dev/null || \
  printf 'MIT licence: @zazuko/yasgui %s (Triply, Zazuko GmbH)\n' "$(node -p "require('@zazuko/yasgui/package.json').version")" > "$out/yasgui/LICENSE"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/LICENSE "$out/swagger-ui/"
editor="$here/../explorer/sparql_editor"
mkdir -p "$editor"
cp node_modules/@zazuko/yasqe/build/yasqe.min.js node_modules/@zazuko/yasqe/build/yasqe.min.css "$editor/"
node -p "'yasqe ' + require('@zazuko/yasqe/package.json').version" > "$editor/VERSIONS"
node -p "'yasgui ' + require('@zazuko/yasgui/package.json').version + '\nswagger-ui-dist ' + require('swagger-ui-dist/package.json').version" > "$out/VERSIONS"
rm -rf node_modules
du -sh "$out" "$editor"
