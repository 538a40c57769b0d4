#!/usr/bin/env bash
# The README's run command: install, ingest the bundled data into the embedded store, open the explorer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
govkg ingest
govkg stats
exec python3 -m streamlit run app.py --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false --client.toolbarMode viewer "$@"
