/**
 * Decoding a remote call's arguments: CBOR values with data-object
 * placeholders replaced by the inputs.
 *
 * @module
 */
import { Decoder, Tag } from "../common/cbor.ts";
import { toUint8Array } from "../common/content_type.ts";
import { INPUT_TAG } from "../protocol/executor.ts";

const decoder = new Decoder({ useRecords: false, structuredClone: true } as never);

/**
 * Decodes the arguments and puts each input where its placeholder was.
 *
 * @param bytes The CBOR-encoded argument array.
 * @param inputs The values the inputs stand for (instances or loaded values).
 * @returns The arguments.
 */
export function decodeArgs(bytes: Uint8Array, inputs: readonly unknown[]): unknown[] {
  const args = decoder.decode(bytes);
  if (!Array.isArray(args)) throw new Error("Remote arguments must be an array");
  return fill(args, inputs) as unknown[];
}

function fill(v: unknown, inputs: readonly unknown[]): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Tag) {
    if (v.tag !== INPUT_TAG) return v;
    const i = v.value as number;
    if (!(i in inputs)) throw new Error(`Remote arguments refer to missing input ${i}`);
    return inputs[i];
  }
  if (v instanceof Uint8Array) return toUint8Array(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fill(v[i], inputs);
    return v;
  }
  if (v instanceof Map) {
    const out = new Map();
    for (const [k, x] of v) out.set(fill(k, inputs), fill(x, inputs));
    return out;
  }
  if (v instanceof Set) return new Set([...v].map((x) => fill(x, inputs)));
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = fill(o[k], inputs);
  }
  return v;
}
