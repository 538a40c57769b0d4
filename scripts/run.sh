#!/usr/bin/env bash
# The README's run command: install what running needs, ingest the bundled data into the embedded store, open
# the explorer (http://127.0.0.1:8501).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
govkg ingest
govkg stats
exec govkg explore "$@"
