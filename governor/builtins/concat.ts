/**
 * `concat`: one blob, the inputs concatenated in order.
 *
 * @module
 */
import type { Builtin, BuiltinContext, BuiltinOutput } from "./types.ts";

/**
 * Joins byte arrays into one.
 *
 * @param parts The parts in order.
 * @returns A new array holding every part.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs a concat task; synchronous when every input is in memory. */
export const concat: Builtin = (ctx) => {
  const parts: Uint8Array[] = [];
  for (const obj of ctx.inputs) {
    if (obj.dataType !== "blob") {
      throw new Error(`Cannot concat a directory (object ${obj.id.join("/")})`);
    }
    if (!obj.data) return concatFromDisk(ctx);
    parts.push(obj.data);
  }
  return [{ data: concatBytes(parts) }];
};

async function concatFromDisk(ctx: BuiltinContext): Promise<BuiltinOutput[]> {
  const parts = await Promise.all(ctx.inputs.map((o) => ctx.store.bytes(o)));
  return [{ data: concatBytes(parts) }];
}
