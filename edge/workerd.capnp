# The Rain server in a local workerd (Cloudflare's open-source Workers runtime):
#
#   deno run -A edge/build.ts                  # bundles edge/dist/worker.js
#   npx workerd serve edge/workerd.capnp       # serves it on 127.0.0.1:7210
#
# Another address: --socket-addr http=0.0.0.0:7210 (port 0 picks a free one;
# with --control-fd 1 workerd prints {"event":"listen","socket":"http","port":N}).
# Environment: RAIN_TOKEN (the secret clients and governors present; required),
# RAIN_HEARTBEAT_TIMEOUT_MS (ms, default 5000).
# The deployment to Cloudflare is edge/wrangler.jsonc (see README, "Edge hosting").
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "rain", worker = .rainWorker)],
  sockets = [(name = "http", address = "127.0.0.1:7210", http = (), service = "rain")],
);

const rainWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "dist/worker.js")],
  compatibilityDate = "2026-11-01",
  durableObjectNamespaces = [(className = "RainServer", uniqueKey = "rain-server")],
  # The coordinator keeps its state in memory; storage holds only the heartbeat alarm.
  durableObjectStorage = (inMemory = void),
  bindings = [
    (name = "RAIN_SERVER", durableObjectNamespace = "RainServer"),
    (name = "RAIN_HEARTBEAT_TIMEOUT_MS", fromEnvironment = "RAIN_HEARTBEAT_TIMEOUT_MS"),
    (name = "RAIN_TOKEN", fromEnvironment = "RAIN_TOKEN"),
  ],
);
