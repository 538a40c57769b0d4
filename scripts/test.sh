#!/usr/bin/env bash
# The README's test command: install (with the test tools and servers), lint, type-check, run the test suite,
# then install the package the way a user does (not editable, in a fresh virtual environment) and use it from
# an empty folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
echo "== ruff"; python3 -m ruff check .
echo "== mypy"; python3 -m mypy
echo "== pytest"; python3 -m pytest -q "$@"
echo "== installed package"; bash scripts/check_install.sh
