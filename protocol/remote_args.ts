/**
 * The arguments of a remote-function call on the wire (`RemoteConfig.args`):
 * the argument array as CBOR, where every data object (anywhere inside
 * arrays, maps, sets and plain objects) is a placeholder tagged
 * {@linkcode INPUT_TAG} whose value is the index of the task input it stands
 * for. The client encodes, the executor decodes and puts the inputs back.
 *
 * @module
 */
import { Decoder, Encoder, Tag } from "../common/cbor.ts";
import { toUint8Array } from "../common/content_type.ts";

/** CBOR tag marking a data-object placeholder inside the encoded arguments (its value: the input index). */
export const INPUT_TAG = 40100;

// structuredClone: Maps, Sets, dates, regular expressions and shared references survive.
const encoder = new Encoder({ useRecords: false, structuredClone: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, structuredClone: true });

/**
 * Decides whether a value in the arguments is a data object: returns the
 * index of the task input it becomes, or `undefined` for an ordinary value.
 *
 * @param value An object found in the arguments.
 * @param arg Index of the top-level argument it was found in.
 * @returns The input index, or `undefined`.
 */
export type InputIndex = (value: object, arg: number) => number | undefined;

/**
 * Encodes a call's arguments, data objects replaced by placeholders.
 *
 * @param args The arguments (after the context).
 * @param inputIndex Recognises data objects and numbers them.
 * @returns The CBOR bytes of the argument array.
 * @throws {TypeError} When CBOR cannot encode a value.
 */
export function encodeRemoteArgs(args: readonly unknown[], inputIndex: InputIndex): Uint8Array {
  let arg = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    const i = inputIndex(v, arg);
    if (i !== undefined) return new Tag(i, INPUT_TAG);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [walk(k), walk(x)]));
    if (v instanceof Set) return new Set([...v].map(walk));
    if (Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  const replaced = args.map((a, i) => {
    arg = i;
    return walk(a);
  });
  try {
    return toUint8Array(encoder.encode(replaced));
  } catch (e) {
    throw new TypeError(`Cannot encode the remote function's arguments: ${(e as Error).message}`);
  }
}

/**
 * Decodes the arguments and puts each input where its placeholder was.
 *
 * @param bytes The CBOR-encoded argument array.
 * @param inputs The values the inputs stand for (instances or loaded values).
 * @returns The arguments.
 * @throws {Error} When the bytes are not an array or refer to a missing input.
 */
export function decodeRemoteArgs(bytes: Uint8Array, inputs: readonly unknown[]): unknown[] {
  const args: unknown = decoder.decode(bytes);
  if (!Array.isArray(args)) throw new Error("Remote arguments must be an array");
  for (let i = 0; i < args.length; i++) args[i] = fill(args[i], inputs);
  return args;
}

function fill(v: unknown, inputs: readonly unknown[]): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Tag) {
    if (v.tag !== INPUT_TAG) return v;
    const i: unknown = v.value;
    if (typeof i !== "number" || !(i in inputs)) {
      throw new Error(`Remote arguments refer to missing input ${String(i)}`);
    }
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
