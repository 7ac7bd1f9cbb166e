/**
 * The executor protocol: the messages a governor and its executor
 * processes exchange over the executor's
 * stdin/stdout as length-prefixed CBOR frames (4-byte big-endian length,
 * then one CBOR-encoded message).
 *
 * @module
 */
import { ProtocolError } from "../common/errors.ts";
import { dataType, objectInfo, objectSpec, user } from "./attributes.ts";
import { decodeCbor, encodeCbor } from "./codec.ts";
import { remoteTaskSpec } from "./remote_config.ts";
import {
  array,
  bytes,
  type Infer,
  int,
  object,
  optional,
  record,
  str,
  type Validator,
  variant,
} from "./validate.ts";

/** Largest executor frame accepted, in bytes. */
export const MAX_EXECUTOR_FRAME = 1024 * 1024 * 1024;

const executorInput = object({
  /** The object's spec (as far as the governor knows it). */
  spec: objectSpec,
  /** The object's info. */
  info: objectInfo,
  /** Its bytes, when held in memory. */
  data: optional(bytes),
  /** Its file or directory, when held on disk. */
  path: optional(str),
});

/** One input of a task, as the executor receives it: bytes or a path on disk. */
export type ExecutorInput = Infer<typeof executorInput>;

/**
 * Validates a message to an executor: run one task.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When it is malformed, naming the field.
 */
export const validateRunMessage = variant("executor message", {
  run: {
    /** The task's spec (its config is a `RemoteConfig`). */
    spec: remoteTaskSpec,
    /** The specs of the task's outputs. */
    outputs: array(objectSpec),
    /** The inputs in task order. */
    inputs: array(executorInput),
    /** The task's working directory: the executor creates it and removes it before answering. */
    cwd: str,
    /** Per output: where a staged file or directory is moved (the governor's store path). */
    outputPaths: array(str),
    /** The governor's `host:port`, or `""`. */
    governor: str,
  },
});

/** Governor → executor: run one task. */
export type RunMessage = Infer<typeof validateRunMessage>;

const dataOutput = object({ data: bytes, contentType: str, user });
const fileOutput = object({ file: str, dataType, contentType: str, user });
const inputOutput = object({ input: int, user });

/**
 * One result of a task, as the executor reports it: fresh bytes, a staged
 * file or directory, or one of the task's inputs passed through.
 */
export type ExecutorOutput =
  | Infer<typeof dataOutput>
  | Infer<typeof fileOutput>
  | Infer<typeof inputOutput>;

const executorOutput: Validator<ExecutorOutput> = (v) => {
  const r = record(v);
  return "data" in r ? dataOutput(r) : "file" in r ? fileOutput(r) : inputOutput(r);
};

/**
 * Validates a message from an executor.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When it is malformed, naming the field.
 */
export const validateExecutorMessage = variant("executor message", {
  /** The task finished: one result per output, its debug log and `info.user`. */
  result: { outputs: array(executorOutput), debug: str, user },
  /** The task failed: the error with its stack, its debug log and `info.user`. */
  error: { error: str, debug: str, user },
});

/** A message from an executor. */
export type ExecutorMessage = Infer<typeof validateExecutorMessage>;

/**
 * Encodes one message as a length-prefixed frame.
 *
 * @param message The message.
 * @returns The frame bytes.
 */
export function encodeExecutorFrame(message: RunMessage | ExecutorMessage): Uint8Array {
  const body = encodeCbor(message);
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, 4);
  return frame;
}

/** Splits a byte stream into frames and decodes each. */
export class FrameReader {
  #buffer: Uint8Array = new Uint8Array(0);

  /**
   * Adds received bytes.
   *
   * @param chunk The bytes.
   * @returns The messages completed by them, still to be validated.
   * @throws {ProtocolError} On an oversized or undecodable frame.
   */
  push(chunk: Uint8Array): unknown[] {
    let buf = this.#buffer.length ? concat(this.#buffer, chunk) : chunk;
    const out: unknown[] = [];
    while (buf.length >= 4) {
      const size = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0);
      if (size > MAX_EXECUTOR_FRAME) {
        throw new ProtocolError(`Executor frame of ${size} bytes is too big`);
      }
      if (buf.length < 4 + size) break;
      try {
        out.push(decodeCbor(buf.subarray(4, 4 + size)));
      } catch (e) {
        throw new ProtocolError(`Executor frame is not valid CBOR: ${(e as Error).message}`);
      }
      buf = buf.subarray(4 + size);
    }
    this.#buffer = buf.length ? buf.slice() : new Uint8Array(0);
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
