/**
 * A full garbage collection on demand, on V8 (Deno and Node), without the
 * `--expose-gc` command-line flag: the flag can still be set from inside
 * the process, and contexts made afterwards get V8's `gc` function, which
 * collects the whole isolate's heap.
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | null = null;

/**
 * Runs a full, synchronous garbage collection: the heap pages it frees go
 * back to the operating system at once, instead of after V8's own
 * memory-reducing collections, which wait for seconds of idleness.
 *
 * @example
 * ```ts ignore
 * collectV8Garbage();
 * ```
 */
export function collectV8Garbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    }
  }
  gc();
}
