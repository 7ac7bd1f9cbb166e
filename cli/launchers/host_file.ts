/**
 * Host files (`--governor-host-file`), as Rain read them: one host per line
 * (`[USER@]HOST`, what `ssh` is given); blank lines and `#` comments ignored.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { GovernorHost } from "./remote_governors.ts";

/**
 * Reads a host file.
 *
 * @param path The file.
 * @returns One governor per host, in file order.
 * @throws {Error} When the file cannot be read, names an invalid host or no host at all.
 */
export async function readHostFile(path: string): Promise<GovernorHost[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read host file "${path}": ${(e as Error).message}`);
  }
  const hosts = text.split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "");
  for (const [i, h] of hosts.entries()) {
    if (!/^([\w.-]+@)?[\w.:[\]-]+$/.test(h)) {
      throw new Error(`Invalid host "${h}" in host file "${path}" (entry ${i + 1})`);
    }
  }
  if (hosts.length === 0) throw new Error(`No hosts in host file "${path}"`);
  return hosts.map((host) => ({ host }));
}
