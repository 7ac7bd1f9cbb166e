/**
 * The executor protocol: the `remote` task config, and the messages a
 * governor and its executor processes exchange over the executor's
 * stdin/stdout as length-prefixed CBOR frames (4-byte big-endian length,
 * then one CBOR-encoded message).
 *
 * @module
 */
import type { DataType, ObjectInfo, ObjectSpec, TaskSpec } from "../common/attributes.ts";
import { decodeCbor, encodeCbor } from "./codec.ts";
import { ProtocolError } from "../common/errors.ts";
import {
  arr,
  bool,
  bytes,
  int,
  objectInfo,
  objectSpec,
  opt,
  rec,
  str,
  taskSpec,
  user,
} from "./validate.ts";

/** The property of a `remote()` callable that holds the wrapped function. */
export const REMOTE_FUNCTION: unique symbol = Symbol.for("rain.remote.function") as never;

/** Largest executor frame accepted, in bytes. */
export const MAX_EXECUTOR_FRAME = 1024 * 1024 * 1024;

/** Where a remote function comes from. */
export type RemoteFunctionRef =
  | { source: string }
  | { module: string; exportName: string };

/** Per-parameter input options (`Input({ load, contentType })`), keyed by parameter name. */
export interface RemoteParam {
  /** Pass the loaded value instead of the `DataInstance`. */
  load?: boolean;
  /** The content type the inputs in this parameter must have. */
  contentType?: string;
}

/** The `config` of a `remote` task. */
export interface RemoteConfig {
  /** The function: its source text, or a module URL and export name. */
  fn: RemoteFunctionRef;
  /** The call's arguments (after the context), CBOR-encoded, data objects as placeholders (`remote_args.ts`). */
  args: Uint8Array;
  /** Per task input: the index of the argument it appears in. */
  inputs: number[];
  /** Input options by parameter name. */
  params: Record<string, RemoteParam>;
  /** Load every data-object argument. */
  autoLoad: boolean;
  /** Per output: the encoding applied to the function's result, `""` for none. */
  encode: string[];
}

/** One input of a task, as the executor receives it: bytes or a path on disk. */
export interface ExecutorInput {
  /** The object's spec (as far as the governor knows it). */
  spec: ObjectSpec;
  /** The object's info. */
  info: ObjectInfo;
  /** Its bytes, when held in memory. */
  data?: Uint8Array;
  /** Its file or directory, when held on disk. */
  path?: string;
}

/** Governor → executor: run one task. */
export interface RunMessage {
  /** Message type. */
  type: "run";
  /** The task's spec (its config is a {@linkcode RemoteConfig}). */
  spec: TaskSpec;
  /** The specs of the task's outputs. */
  outputs: ObjectSpec[];
  /** The inputs in task order. */
  inputs: ExecutorInput[];
  /** The task's working directory: the executor creates it and removes it before answering. */
  cwd: string;
  /** Per output: where a staged file or directory is moved (the governor's store path). */
  outputPaths: string[];
  /** The governor's `host:port`, or `""`. */
  governor: string;
}

/** One result of a task, as the executor reports it. */
export type ExecutorOutput =
  | { data: Uint8Array; contentType: string; user: Record<string, unknown> }
  | { file: string; dataType: DataType; contentType: string; user: Record<string, unknown> }
  | { input: number; user: Record<string, unknown> };

/** Executor → governor: the task finished. */
export interface ResultMessage {
  /** Message type. */
  type: "result";
  /** The results, one per output. */
  outputs: ExecutorOutput[];
  /** The debug log. */
  debug: string;
  /** The task's `info.user`. */
  user: Record<string, unknown>;
}

/** Executor → governor: the task failed. */
export interface ErrorMessage {
  /** Message type. */
  type: "error";
  /** The error, with its stack. */
  error: string;
  /** The debug log. */
  debug: string;
  /** The task's `info.user`. */
  user: Record<string, unknown>;
}

/** A message from an executor. */
export type ExecutorMessage = ResultMessage | ErrorMessage;

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

/**
 * Validates a `remote` task config.
 *
 * @param v The config.
 * @returns The config, typed.
 * @throws {ProtocolError} When it is malformed.
 */
export function validateRemoteConfig(v: unknown): RemoteConfig {
  const r = rec(v, "remote config");
  const fn = rec(r.fn, "remote config.fn");
  if ("source" in fn) str(fn.source, "remote config.fn.source");
  else {
    str(fn.module, "remote config.fn.module");
    str(fn.exportName, "remote config.fn.exportName");
  }
  bytes(r.args, "remote config.args");
  arr(r.inputs, "remote config.inputs", int);
  const params = rec(r.params, "remote config.params");
  for (const [k, p] of Object.entries(params)) {
    const pr = rec(p, `remote config.params.${k}`);
    opt(pr.load, `remote config.params.${k}.load`, bool);
    opt(pr.contentType, `remote config.params.${k}.contentType`, str);
  }
  bool(r.autoLoad, "remote config.autoLoad");
  arr(r.encode, "remote config.encode", str);
  return r as unknown as RemoteConfig;
}

/**
 * Validates a message to an executor.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When it is malformed.
 */
export function validateRunMessage(v: unknown): RunMessage {
  const m = rec(v, "message");
  if (m.type !== "run") {
    throw new ProtocolError(`Unknown executor message type ${JSON.stringify(m.type)}`);
  }
  taskSpec(m.spec, "run.spec");
  validateRemoteConfig((m.spec as TaskSpec).config);
  arr(m.outputs, "run.outputs", objectSpec);
  arr(m.inputs, "run.inputs", (x, what) => {
    const i = rec(x, what);
    objectSpec(i.spec, `${what}.spec`);
    objectInfo(i.info, `${what}.info`);
    opt(i.data, `${what}.data`, bytes);
    opt(i.path, `${what}.path`, str);
    return i;
  });
  str(m.cwd, "run.cwd");
  arr(m.outputPaths, "run.outputPaths", str);
  str(m.governor, "run.governor");
  return m as unknown as RunMessage;
}

/**
 * Validates a message from an executor.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When it is malformed.
 */
export function validateExecutorMessage(v: unknown): ExecutorMessage {
  const m = rec(v, "message");
  str(m.debug, `${m.type}.debug`);
  user(m.user, `${m.type}.user`);
  if (m.type === "error") {
    str(m.error, "error.error");
    return m as unknown as ErrorMessage;
  }
  if (m.type !== "result") {
    throw new ProtocolError(`Unknown executor message type ${JSON.stringify(m.type)}`);
  }
  arr(m.outputs, "result.outputs", (x, what) => {
    const o = rec(x, what);
    user(o.user, `${what}.user`);
    if ("data" in o) {
      bytes(o.data, `${what}.data`);
      str(o.contentType, `${what}.contentType`);
    } else if ("file" in o) {
      str(o.file, `${what}.file`);
      if (o.dataType !== "blob" && o.dataType !== "dir") {
        throw new ProtocolError(`${what}.dataType: bad`);
      }
      str(o.contentType, `${what}.contentType`);
    } else int(o.input, `${what}.input`);
    return o;
  });
  return m as unknown as ResultMessage;
}
