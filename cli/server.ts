/**
 * `rain server`: the server alone; governors join it with `rain governor`.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { hostname, networkInterfaces } from "node:os";
import { formatAddress, isLoopback, isWildcard } from "../common/address.ts";
import { DEFAULT_SERVER_PORT, type RainServer, startServer } from "../server/mod.ts";
import { runtime } from "../runtime/mod.ts";
import { warmUp } from "./warm_up.ts";
import { defineCommand, flag, option, type OptionValues, UsageError } from "./command.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { SERVER_SECURITY_OPTIONS, serverSecurity, warnNoAuth } from "./security_options.ts";
import { address, positiveInteger } from "./values.ts";

/** Options of the server, shared by `rain server` and `rain start`. */
export const SERVER_OPTIONS = {
  listen: option(
    "HOST:PORT",
    `address of the server (default 127.0.0.1:${DEFAULT_SERVER_PORT}; port 0 picks a free one)`,
    address(DEFAULT_SERVER_PORT),
  ),
  "log-dir": option("DIR", "append the event log to a new NDJSON file in DIR"),
  quiet: flag("log only failed sessions and lost governors"),
  verbose: flag("log every event (several lines per task)"),
  "retain-tasks": option(
    "N",
    "tasks of closed sessions kept for the dashboard (default 100000)",
    positiveInteger,
  ),
  "retain-sessions": option(
    "N",
    "closed sessions kept for the dashboard (default 1000)",
    positiveInteger,
  ),
  "retain-events": option("N", "events kept in memory (default 100000)", positiveInteger),
  "no-warm-up": flag(
    "skip the synthetic warm-up at start (~1 s; without it the first graphs run at about " +
      "half speed)",
  ),
  ...SERVER_SECURITY_OPTIONS,
};

/**
 * Starts the server, writes its token file and prints where it listens,
 * where its dashboard is (the URL carries the secret, as a browser needs it
 * once) and where its event log goes.
 *
 * @param values The server options given.
 * @param lifecycle The command's lifecycle; the server is stopped with it.
 * @param log Log sink.
 * @param options Whether governors run in this process (`rain start`): the
 *   warm-up then runs tasks on a throwaway governor too.
 * @returns The server, its `host:port`, and the `host:port` governors join it at (when it
 *   listens on every interface, this machine's address as others see it).
 */
export async function startServerPart(
  values: OptionValues<typeof SERVER_OPTIONS>,
  lifecycle: Lifecycle,
  log: (message: string) => void,
  options: { governors: boolean } = { governors: false },
): Promise<{ server: RainServer; address: string; joinAt: string }> {
  if (values.quiet && values.verbose) {
    throw new UsageError("--quiet and --verbose exclude each other");
  }
  const security = serverSecurity(values);
  if (!values["no-warm-up"]) {
    // Before listening, so that it never competes with a client's work.
    const { tasks, ms } = await warmUp(options.governors);
    // The throwaway coordinator's tens of MB are garbage now: the server starts without them.
    runtime.collectGarbage?.();
    if (!values.quiet) {
      log(
        `warmed up with ${tasks} synthetic tasks on a throwaway coordinator in ` +
          `${(ms / 1000).toFixed(2)} s (--no-warm-up skips it)`,
      );
    }
  }
  const server = lifecycle.add(
    await startServer({
      ...(values.listen ?? { hostname: "127.0.0.1", port: DEFAULT_SERVER_PORT }),
      ...security,
      tokenFile: true,
      log,
      logLevel: values.quiet ? "quiet" : values.verbose ? "verbose" : "normal",
      logDir: values["log-dir"],
      retention: {
        tasks: values["retain-tasks"],
        sessions: values["retain-sessions"],
        events: values["retain-events"],
      },
    }),
  );
  if (security.noAuth) warnNoAuth(server.hostname, server.port, log);
  const where = formatAddress(server.hostname, server.port);
  const [tls, http] = server.tls ? [" with TLS", "https"] : ["", "http"];
  // GET /api/info answers 401 without the token: point at the command that finds it.
  const status = server.token === null
    ? `${http}://${where}/api/info`
    : `rain status ${server.tls ? "https://" : ""}${where}`;
  console.log(`Rain server listening on ${where}${tls} (status: ${status})`);
  if (server.tokenFile) {
    console.log(`Token file (read by this user's clients and governors): ${server.tokenFile}`);
  }
  const secret = server.token === null ? "" : `?token=${encodeURIComponent(server.token)}`;
  console.log(`Dashboard: ${http}://${where}/dashboard/${secret}`);
  if (server.logFile) console.log(`Event log: ${server.logFile}`);
  const joinAt = isWildcard(server.hostname)
    ? formatAddress(await machineAddress(), server.port)
    : where;
  return { server, address: where, joinAt };
}

/** `rain server`. */
export const serverCommand = defineCommand({
  name: "server",
  summary: "Runs the server alone; governors join it with `rain governor SERVER`.",
  positionals: [],
  options: SERVER_OPTIONS,
  async run(values, _positionals, { lifecycle, log }) {
    await startServerPart(values, lifecycle, log);
    console.log("Press Ctrl-C to stop.");
  },
});

/**
 * This machine as other machines reach it: its host name when that
 * resolves to a non-loopback address (Debian maps it to 127.0.1.1), else its
 * first non-loopback interface address, else the host name.
 */
async function machineAddress(): Promise<string> {
  const name = hostname();
  const resolved = await lookup(name).catch(() => undefined);
  if (resolved && !isLoopback(resolved.address)) return name;
  const addresses = Object.values(networkInterfaces()).flat()
    .filter((i) => i !== undefined && !i.internal && !i.address.startsWith("fe80:"));
  return (addresses.find((i) => i!.family === "IPv4") ?? addresses[0])?.address ?? name;
}
