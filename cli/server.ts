/**
 * `rain server`: the server alone; governors join it with `rain governor`.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { hostname, networkInterfaces } from "node:os";
import { formatAddress, isLoopback, isWildcard } from "../common/address.ts";
import { DEFAULT_SERVER_PORT, type RainServer, startServer } from "../server/mod.ts";
import { defineCommand, option } from "./command.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { address } from "./values.ts";

/** Options of the server, shared by `rain server` and `rain start`. */
export const SERVER_OPTIONS = {
  listen: option(
    "HOST:PORT",
    `address of the server (default 127.0.0.1:${DEFAULT_SERVER_PORT}; port 0 picks a free one)`,
    address(DEFAULT_SERVER_PORT),
  ),
};

/**
 * Starts the server and prints where it listens.
 *
 * @param listen Where to listen (default loopback, port 7210).
 * @param lifecycle The command's lifecycle; the server is stopped with it.
 * @param log Log sink.
 * @returns The server, its `host:port`, and the `host:port` governors join it at (when it
 *   listens on every interface, this machine's address as others see it).
 */
export async function startServerPart(
  listen: { hostname: string; port: number } | undefined,
  lifecycle: Lifecycle,
  log: (message: string) => void,
): Promise<{ server: RainServer; address: string; joinAt: string }> {
  const server = lifecycle.add(
    await startServer({ ...(listen ?? { hostname: "127.0.0.1", port: DEFAULT_SERVER_PORT }), log }),
  );
  const where = formatAddress(server.hostname, server.port);
  console.log(`Rain server listening on ${where} (status: http://${where}/api/info)`);
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
    await startServerPart(values.listen, lifecycle, log);
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
