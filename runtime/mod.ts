/**
 * Picks the runtime seam for the runtime we run on.
 *
 * Each implementation is loaded with a dynamic import, so one runtime's
 * modules are never loaded on another.
 *
 * @module
 */
import type { Runtime } from "./types.ts";

export type * from "./types.ts";

async function load(): Promise<Runtime> {
  if ("Deno" in globalThis) return (await import("./deno.ts")).denoRuntime;
  if ("Bun" in globalThis) return (await import("./bun.ts")).bunRuntime;
  return (await import("./node.ts")).nodeRuntime;
}

/** The runtime seam of the current process. */
export const runtime: Runtime = await load();
