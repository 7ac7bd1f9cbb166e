/**
 * The `rain` command line: `rain start --simple`, `rain server`, `rain governor`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runtime } from "../runtime/mod.ts";
import { DEFAULT_SERVER_PORT, startServer } from "../server/mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { readHostFile, startSshGovernors } from "./ssh_governors.ts";

const USAGE = `Usage:
  rain start --simple [--listen HOST:PORT] [--cpus N]   server + one local governor
  rain start --governors N [--governor-host-file FILE]  server + N local governors (in this
                                                        process) + one governor per host over ssh
  rain server [--listen HOST:PORT]                      the server alone (default 127.0.0.1:${DEFAULT_SERVER_PORT})
  rain governor SERVER [--cpus N] [--work-dir DIR] [--listen HOST:PORT]
                                                        a governor joining SERVER (host:port)
Governor options (start, governor):
  --executor-memory MB                                  heap limit of each remote-function executor
`;

const log = (m: string) => console.error(`rain: ${m}`);

/**
 * Splits `host:port` (port optional).
 *
 * @param value The address.
 * @param defaultPort Port when none is given.
 * @returns Host and port.
 */
export function parseListen(
  value: string,
  defaultPort: number,
): { hostname: string; port: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(value)!;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port > 65535) throw new RangeError(`Invalid port in "${value}"`);
  return { hostname: m[1] || "127.0.0.1", port };
}

function localGovernorCount(values: { simple?: boolean; governors?: string }): number {
  if (values.governors === undefined) return values.simple ? 1 : 0;
  const n = Number(values.governors);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`--governors must be a non-negative integer, got "${values.governors}"`);
  }
  return n;
}

function positiveOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`--${flag} must be a positive integer, got "${value}"`);
  }
  return n;
}

/** Runs until Ctrl-C, then stops every part in reverse order. */
async function runUntilSignal(parts: { close(): Promise<void> }[]): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  const off = runtime.onShutdownSignal(resolve);
  await promise;
  off();
  log("stopping...");
  for (const p of parts.reverse()) await p.close().catch(() => {});
  runtime.exit(0);
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      simple: { type: "boolean" },
      governors: { type: "string" },
      "governor-host-file": { type: "string" },
      listen: { type: "string" },
      cpus: { type: "string" },
      "work-dir": { type: "string" },
      "executor-memory": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...rest] = positionals;
  const governorOptions = () => ({
    cpus: positiveOption("cpus", values.cpus),
    executorMemoryMb: positiveOption("executor-memory", values["executor-memory"]),
  });
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (command === "server" || command === "start") {
    const local = command === "start" ? localGovernorCount(values) : 0;
    const hostFile = command === "start" ? values["governor-host-file"] : undefined;
    if (command === "start" && local === 0 && !hostFile) {
      throw new Error(
        "rain start needs --simple, --governors N or --governor-host-file FILE",
      );
    }
    const listen = parseListen(
      values.listen ?? `127.0.0.1:${DEFAULT_SERVER_PORT}`,
      DEFAULT_SERVER_PORT,
    );
    const server = await startServer({ ...listen, log, tokenFile: true });
    const address = `${server.hostname}:${server.port}`;
    console.log(`Rain server listening on ${address} (status: http://${address}/api/info)`);
    if (server.tokenFile) console.log(`Token file (for this user's clients): ${server.tokenFile}`);
    const parts: { close(): Promise<void> }[] = [server];
    for (let i = 0; i < local; i++) {
      const gov = await startGovernor({
        server: address,
        token: server.token ?? undefined,
        ...governorOptions(),
        log,
      });
      console.log(`Governor ${gov.id} with ${gov.cpus} cpus joined (work dir ${gov.workDir})`);
      parts.push(gov);
    }
    if (hostFile) {
      const hosts = await readHostFile(hostFile);
      parts.push(startSshGovernors(hosts, address, log));
      console.log(`Starting governors over ssh on ${hosts.join(", ")}`);
    }
    console.log("Press Ctrl-C to stop.");
    return runUntilSignal(parts);
  }
  if (command === "governor") {
    const serverAddress = rest[0];
    if (!serverAddress) {
      throw new Error("rain governor needs the server address, e.g. rain governor localhost:7210");
    }
    const listen = values.listen
      ? parseListen(values.listen, 0)
      : { hostname: "127.0.0.1", port: 0 };
    const gov = await startGovernor({
      server: serverAddress.includes(":")
        ? serverAddress
        : `${serverAddress}:${DEFAULT_SERVER_PORT}`,
      ...governorOptions(),
      workDir: values["work-dir"],
      ...listen,
      log,
    });
    console.log(`Governor ${gov.id} with ${gov.cpus} cpus joined ${serverAddress}`);
    gov.closed.then(async (reason) => {
      log(`server connection ended (${reason}); exiting`);
      await gov.close();
      runtime.exit(1);
    });
    return runUntilSignal([gov]);
  }
  throw new Error(`Unknown command "${command}"\n${USAGE}`);
}

/**
 * Runs the `rain` command line; on an error prints it and exits with code 1.
 *
 * @param args The arguments after the program name.
 * @returns Resolves when a command that does not run until a signal (`--help`) is done.
 */
export function runCli(args: string[]): Promise<void> {
  return main(args).catch((e) => {
    console.error(`rain: ${(e as Error).message}`);
    runtime.exit(1);
  });
}

if (import.meta.main) runCli(runtime.args());
