#!/usr/bin/env bash
# A user's install, checked: `pip install ".[search,app]"` (not editable) into a fresh virtual environment, then,
# from an empty folder, scripts/check_install.py runs govkg ingest (the full default: curated data, the four public
# datasets, reconciliation, the search index), search (which must build nothing), serve and the installed explorer.
# Run by scripts/test.sh (so by CI); exits non-zero on the first thing that does not work.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
started=$(date +%s)
"$work/venv/bin/pip" install -q --disable-pip-version-check "$src[search,app]"
echo "installed in a fresh virtual environment in $(( $(date +%s) - started )) s"
mkdir "$work/empty"
cd "$work/empty"
env -u PYTHONPATH -u GOVKG_DATASETS -u GOVKG_SEARCH_DIR -u GOVKG_SEARCH_CACHE -u GOVKG_DATA \
  GOVKG_STORE="$work/store" GOVKG_DATASETS_DIR="$work/releases" HF_HUB_OFFLINE=1 "$work/venv/bin/python" "$src/scripts/check_install.py" \
  "$work/venv/bin"
