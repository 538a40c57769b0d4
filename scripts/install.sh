#!/usr/bin/env bash
# Install GovKG from this checkout.
#   bash scripts/install.sh          what running needs: the project with search, the explorer and the Neo4j driver
#   bash scripts/install.sh --test   also what testing needs: the test tools, and (as root, with apt-get) Chromium,
#                                    ChromeDriver, Virtuoso, a JDK and Maven for the local servers
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="search,app,neo4j"
if [ "${1:-}" = "--test" ]; then
  extras="all"
  need_apt=()
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
  command -v virtuoso-t >/dev/null 2>&1 || need_apt+=(virtuoso-opensource)
  command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)   # Neo4j and Fuseki (scripts/servers)
  command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
  if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    else
      echo "install.sh: missing system packages (${need_apt[*]}); install them with apt-get as root" >&2
    fi
  fi
fi

python3 -m pip install -q --disable-pip-version-check -e ".[$extras]"
