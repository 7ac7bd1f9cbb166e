/**
 * Picks the runtime seam for the runtime we run on.
 *
 * @module
 */
import type { Runtime } from "./types.ts";

export type * from "./types.ts";

async function load(): Promise<Runtime> {
  if ("Deno" in globalThis) return (await import("./deno.ts")).denoRuntime;
  throw new Error("Unsupported runtime: Rain runs on Deno (Node and Bun support is planned)");
}

/** The runtime seam of the current process. */
export const runtime: Runtime = await load();
