#!/bin/sh
# The API reference (`npm run doc`, `deno task doc`): checks the JSDoc of every
# public entry point (`deno doc --lint`) and writes the HTML reference to
# docs/api/ (not committed; tests/docs_test.ts builds it in CI).
set -e
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
entries="mod.ts client/mod.ts server/mod.ts governor/mod.ts cli/bin.ts"
deno doc --lint $entries
deno doc --html --name="Rain for TypeScript" --output=docs/api $entries
echo "API reference: docs/api/index.html" >&2
