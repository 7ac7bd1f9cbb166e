#!/bin/sh
# Installs the npm dependencies (Deno included) unless they are already
# installed for the current package-lock.json.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.rain-installed
if [ -f "$stamp" ] && [ -x node_modules/.bin/deno ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
echo "rain: installing dependencies (npm ci)..." >&2
npm ci --no-audit --no-fund >&2
cp package-lock.json "$stamp"
