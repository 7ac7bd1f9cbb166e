/**
 * Starting governors on other hosts over `ssh`, as Rain's
 * `--governor-host-file` did: one host per line; every host must see this
 * project at the same path (a shared or identical file system).
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runtime } from "../runtime/mod.ts";

/** A set of remote governors; closing kills their ssh sessions. */
export interface SshGovernors {
  /** The hosts. */
  hosts: string[];
  /** Stops every remote governor. */
  close(): Promise<void>;
}

/**
 * Reads a host file: one host per line; blank lines and `#` comments ignored.
 *
 * @param path The file.
 * @returns The hosts.
 * @throws {Error} When the file has no host.
 */
export async function readHostFile(path: string): Promise<string[]> {
  const hosts = (await readFile(path, "utf8")).split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "");
  for (const h of hosts) {
    if (!/^[\w.@:[\]-]+$/.test(h)) throw new Error(`Invalid host "${h}" in ${path}`);
  }
  if (hosts.length === 0) throw new Error(`No hosts in ${path}`);
  return hosts;
}

/**
 * Starts one governor per host with
 * `ssh HOST 'cd ROOT && exec node_modules/.bin/deno run -A cli/main.ts governor SERVER'`.
 *
 * @param hosts The hosts.
 * @param server The server address the governors join (must be reachable from them).
 * @param log Log sink.
 * @returns The running remote governors.
 */
export function startSshGovernors(
  hosts: string[],
  server: string,
  log: (m: string) => void,
): SshGovernors {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const stop = new AbortController();
  // `exec`: the governor replaces the remote shell, so ending ssh ends the governor.
  const command = `cd ${quote(root)} && exec node_modules/.bin/deno run -A cli/main.ts ` +
    `governor ${quote(server)}`;
  const runs = hosts.map((host) =>
    runtime.spawn({ cmd: "ssh", args: [host, command], cwd: root, signal: stop.signal }).then(
      (r) => {
        if (!stop.signal.aborted) {
          const err = new TextDecoder().decode(r.stderr).trim();
          log(`Governor on ${host} exited with code ${r.code}${err ? `: ${err}` : ""}`);
        }
      },
      (e) => log(`Cannot start a governor on ${host}: ${(e as Error).message}`),
    )
  );
  return {
    hosts,
    async close() {
      stop.abort();
      await Promise.all(runs);
    },
  };
}

function quote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
