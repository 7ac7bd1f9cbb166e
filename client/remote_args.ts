/**
 * Encoding a remote call's arguments: every data object (or one-output task)
 * anywhere inside them becomes a task input and a CBOR placeholder.
 *
 * @module
 */
import { Encoder, Tag } from "../common/cbor.ts";
import { toUint8Array } from "../common/content_type.ts";
import { INPUT_TAG } from "../protocol/executor.ts";
import { DataObject } from "./data_object.ts";
import { toObject } from "./factory.ts";
import { Task } from "./task.ts";

const encoder = new Encoder(
  { useRecords: false, structuredClone: true, tagUint8Array: false } as never,
);

/** A data object found in the arguments. */
export interface FoundInput {
  /** The object. */
  object: DataObject;
  /** Index of the (top-level) argument it was found in. */
  arg: number;
}

/** The encoded arguments and the inputs found in them. */
export interface EncodedArgs {
  /** CBOR of the argument array, data objects replaced by placeholders. */
  bytes: Uint8Array;
  /** The inputs, in placeholder order (an object used twice is one input). */
  inputs: FoundInput[];
}

/**
 * Encodes a call's arguments.
 *
 * @param args The arguments after the context.
 * @returns The bytes and inputs.
 * @throws {TypeError} For a task with several outputs or a value CBOR cannot encode.
 */
export function encodeArgs(args: readonly unknown[]): EncodedArgs {
  const inputs: FoundInput[] = [];
  const index = new Map<DataObject, number>();
  let arg = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (v instanceof DataObject || v instanceof Task) {
      const object = toObject(v, `remote argument ${arg}`);
      let i = index.get(object);
      if (i === undefined) {
        index.set(object, i = inputs.length);
        inputs.push({ object, arg });
      }
      return new Tag(i, INPUT_TAG);
    }
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
  let bytes: Uint8Array;
  try {
    bytes = toUint8Array(encoder.encode(replaced));
  } catch (e) {
    throw new TypeError(`Cannot encode the remote function's arguments: ${(e as Error).message}`);
  }
  return { bytes, inputs };
}
