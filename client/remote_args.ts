/**
 * Encoding a remote call's arguments: every data object (or one-output task)
 * anywhere inside them becomes a task input and a placeholder, in the wire
 * format of `protocol/remote_args.ts`.
 *
 * @module
 */
import { encodeRemoteArgs } from "../protocol/remote_args.ts";
import { DataObject } from "./data_object.ts";
import { toObject } from "./factory.ts";
import { Task } from "./task.ts";

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
  const bytes = encodeRemoteArgs(args, (v, arg) => {
    if (!(v instanceof DataObject || v instanceof Task)) return undefined;
    const object = toObject(v, `remote argument ${arg}`);
    let i = index.get(object);
    if (i === undefined) {
      index.set(object, i = inputs.length);
      inputs.push({ object, arg });
    }
    return i;
  });
  return { bytes, inputs };
}
