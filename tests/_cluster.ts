/**
 * Test harness: a real server and real governors on loopback ports chosen by
 * the OS, plus a connected client.
 *
 * @module
 */
import { type Governor, startGovernor } from "../governor/mod.ts";
import { type RainServer, startServer } from "../server/mod.ts";
import { Client } from "../mod.ts";

/** A running test cluster. */
export interface Cluster {
  /** The server. */
  server: RainServer;
  /** The server's `host:port`. */
  address: string;
  /** The governors. */
  governors: Governor[];
  /** A connected client. */
  client: Client;
  /** Stops everything (idempotent). */
  close(): Promise<void>;
  /** For `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Cpus of each governor to start. @default {[2]} */
  governors?: number[];
  /** Heap limit of the governors' executors in MB. */
  executorMemoryMb?: number;
}

/**
 * Starts a server, governors and a client.
 *
 * @param options The governors to start.
 * @returns The cluster; close it when done.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const server = await startServer({ port: 0 });
  const address = `127.0.0.1:${server.port}`;
  const governors: Governor[] = [];
  let client: Client | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await client?.close();
    for (const g of governors) await g.close();
    await server.close();
  };
  try {
    for (const cpus of options.governors ?? [2]) {
      const { executorMemoryMb } = options;
      governors.push(await startGovernor({ server: address, cpus, executorMemoryMb }));
    }
    client = await Client.connect(address);
  } catch (e) {
    await close();
    throw e;
  }
  return { server, address, governors, client, close, [Symbol.asyncDispose]: close };
}
