#!/bin/sh
# The whole test suite (`npm test`, `deno task test`):
#  1. every test file on Deno (in-process server and governors; this run also
#     covers the npm package on Node and Bun, the mixed-runtime cluster and the
#     edge embedding);
#  2. the integration tests (the files using tests/_cluster.ts) again, twice,
#     all on Node and then all on Bun: the server and governors as processes
#     of the npm bundle (RAIN_TEST_RUNTIME=node|bun), the client in the test
#     code run by `node --test` / `bun test` (scripts/test-runtime.ts);
#  3. the integration tests once more with the server in workerd, as the
#     Cloudflare Workers build runs it (RAIN_TEST_RUNTIME=workerd; governors
#     and client on Deno).
# The dashboard's browser tests need Chromium: scripts/ensure-chromium.sh
# installs it when missing (as root, with apt-get).
# Each run prints a summary in deno test's format ("ok | N passed | N failed");
# the exit code is non-zero when any run failed.
set -u
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
# The servers the tests start write their token files here, not in the user's ~/.rain (a server
# killed by a test leaves its file behind).
XDG_RUNTIME_DIR=$(mktemp -d)
export XDG_RUNTIME_DIR
bundle="$PWD/node_modules/.cache/rain-test-bundle-$$"
trap 'rm -rf "$bundle" "$XDG_RUNTIME_DIR"' EXIT
status=0
sh scripts/ensure-chromium.sh
deno test -A --parallel tests/ || status=1
deno run -A scripts/build-npm.ts --out "$bundle" --no-types || exit 1
files=$(grep -l '"\./_cluster\.ts"' tests/*_test.ts)
for runtime in node bun; do
  echo "rain: integration tests with the server, governors and client on $runtime" >&2
  deno run -A scripts/test-runtime.ts "$runtime" "$bundle" $files || status=1
done
echo "rain: integration tests with the server in workerd (edge/worker.ts)" >&2
RAIN_TEST_RUNTIME=workerd deno test -A --parallel $files || status=1
exit $status
