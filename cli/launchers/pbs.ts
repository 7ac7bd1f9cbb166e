/**
 * PBS (`rain start --autoconf pbs`): the nodes of the batch job from
 * `$PBS_NODEFILE`, which lists a node once per cpu slot it gives the job.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { GovernorHost } from "./remote_governors.ts";

/**
 * Reads a PBS node file: one governor per node, in order of first
 * appearance, with as many cpus as the node has lines.
 *
 * @example
 * ```ts ignore
 * await pbsNodes("/var/spool/pbs/aux/123.server"); // [{ host: "n1", cpus: 2 }, ...]
 * ```
 *
 * @param nodeFile The file (`$PBS_NODEFILE`); `undefined` when it is not set.
 * @returns The governors.
 * @throws {Error} When the variable is unset, or the file cannot be read or is empty.
 */
export async function pbsNodes(nodeFile: string | undefined): Promise<GovernorHost[]> {
  if (!nodeFile) {
    throw new Error("--autoconf pbs needs $PBS_NODEFILE (run it inside a PBS job)");
  }
  let text: string;
  try {
    text = await readFile(nodeFile, "utf8");
  } catch (e) {
    throw new Error(`Cannot read $PBS_NODEFILE "${nodeFile}": ${(e as Error).message}`);
  }
  const slots = new Map<string, number>();
  for (const line of text.split("\n")) {
    const host = line.trim();
    if (host) slots.set(host, (slots.get(host) ?? 0) + 1);
  }
  if (slots.size === 0) throw new Error(`$PBS_NODEFILE "${nodeFile}" lists no node`);
  return [...slots].map(([host, cpus]) => ({ host, cpus }));
}
