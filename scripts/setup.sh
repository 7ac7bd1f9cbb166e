#!/bin/sh
# Installs the npm dependencies (Deno included) unless they are already
# installed for the current package-lock.json: by this script (its stamp
# holds the lock it installed), or by the user's own `npm ci` / `npm install`
# (npm's hidden lockfile, node_modules/.package-lock.json, is then newer than
# package-lock.json, which is how npm itself tells).
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.rain-installed
if [ -x node_modules/.bin/deno ]; then
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then exit 0; fi
  if [ node_modules/.package-lock.json -nt package-lock.json ]; then exit 0; fi
fi
echo "rain: installing dependencies (npm ci)..." >&2
npm ci --no-audit --no-fund >&2
cp package-lock.json "$stamp"
