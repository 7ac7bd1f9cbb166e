/**
 * Messages between a governor and the server, with their validators.
 *
 * @module
 */
import type { DataType, Id, ObjectSpec, TaskInfo, TaskSpec } from "../common/attributes.ts";
import { ProtocolError } from "../common/errors.ts";
import {
  arr,
  bool,
  bytes,
  dataType,
  id,
  int,
  num,
  objectSpec,
  opt,
  rec,
  str,
  taskInfo,
  taskSpecCore,
  user,
} from "./validate.ts";

/**
 * Version of the server <-> governor protocol, checked at registration (the
 * client protocol has its own, `PROTOCOL_VERSION`). 2: compact `put`,
 * `assign` and `finished` messages. 3: built-in tasks travel packed
 * ({@linkcode PackedTask}) with their small inputs' data; frees are numbers
 * per session; plain reports of finished tasks are packed
 * ({@linkcode PackedReport}). 4: outputs are reported with their content
 * hash; `put` carries the hash; uploaded constant data (`contentHeld`,
 * `bind`, `dropContent`).
 */
export const GOVERNOR_PROTOCOL_VERSION = 4;

/** Largest kept output a governor reports with its data (the server ignores larger ones). */
export const INLINE_LIMIT = 256 * 1024;

/**
 * Outputs up to this size are always reported with their data: the server
 * then hands them to other governors inside messages, instead of those
 * fetching them over HTTP.
 */
export const SMALL_OBJECT_LIMIT = 4096;

/**
 * Whether an output's data travels with its report.
 *
 * @param size The output's size in bytes.
 * @param keep Whether the client keeps it.
 * @returns `true` when the data is reported inline.
 */
export function reportsData(size: number, keep: boolean): boolean {
  return size <= SMALL_OBJECT_LIMIT || (keep && size <= INLINE_LIMIT);
}

/**
 * A task spec as a governor gets it: `user` and `name` are only sent for
 * remote tasks (whose executor hands the full spec to user code).
 */
export type AssignedSpec =
  & Omit<TaskSpec, "user" | "name">
  & Partial<Pick<TaskSpec, "user" | "name">>;

/**
 * An output's spec as a governor gets it: `contentType` is absent when `""`,
 * `dataType` when `"blob"`, `user` except for remote tasks.
 */
export interface AssignedOutput {
  /** Object id. */
  id: Id;
  /** Label at the producing task. */
  label: string;
  /** Declared content type; absent means `""`. */
  contentType?: string;
  /** Data type; absent means `"blob"`. */
  dataType?: DataType;
  /** The spec's `user` (remote tasks only). */
  user?: Record<string, unknown>;
}

/** A task as the server hands it to a governor. */
export interface AssignedTask {
  /** The task's spec (full for remote tasks). */
  spec: AssignedSpec;
  /** Specs of the task's outputs, in order (full `ObjectSpec`s for remote tasks). */
  outputs: AssignedOutput[];
  /**
   * Per input: `""` when the governor has (or is sent) it, else the holder's
   * `host:port`. Absent when every input is here.
   */
  sources?: string[];
  /**
   * Per output: whether the client keeps it (small kept outputs are reported
   * with their data). Absent when none is kept.
   */
  keep?: boolean[];
  /** Specs of the task's input objects, in order (remote tasks only). */
  inputs?: ObjectSpec[];
}

/**
 * What a governor reports of one output of a finished task: its info, with
 * default fields left out (the server fills them in).
 */
export interface OutputReport {
  /** The object's id. */
  id: Id;
  /** Size in bytes. */
  size: number;
  /** Content hash (`info.hash`). */
  hash: string;
  /** Run-time content type; absent when it is the declared one. */
  contentType?: string;
  /** Debug log; absent when empty. */
  debug?: string;
  /** `info.user`; absent when empty. */
  user?: Record<string, unknown>;
  /** The data of a small kept object, so the server can answer fetches at once. */
  data?: Uint8Array;
}

/**
 * A finished task's info as a governor reports it: the error is `""` and the
 * governor is the reporting one; `debug` and `user` are absent when empty.
 */
export interface FinishedInfo {
  /** Start time, epoch ms. */
  startTime: number;
  /** Duration, ms. */
  duration: number;
  /** Debug log; absent when empty. */
  debug?: string;
  /** `info.user`; absent when empty. */
  user?: Record<string, unknown>;
}

/** An input a governor could not fetch, and from where. */
export interface LostInput {
  /** The input's id. */
  id: Id;
  /** The governor (`host:port`) it was to come from. */
  source: string;
}

/**
 * A built-in task packed into one flat array, with the data of inputs the
 * server hands over inline. Built-in tasks are most of a large graph's tasks:
 * an array of numbers and strings costs about a third of the equivalent
 * objects to encode. Every id is in the task's session. Layout:
 *
 * `[session, n, taskType, config, cpus, inputCount, ...inputs, ...outputs]`,
 * each input as {@linkcode PACKED_INPUT} fields `n, label, source, data,
 * contentType` (`source` is `""` when the governor has the object or gets
 * its data here, `data` is the blob's bytes or `null`, `contentType` is the
 * inline blob's), each output as {@linkcode PACKED_OUTPUT} fields `n, label,
 * contentType, dataType, keep`.
 */
export type PackedTask = unknown[];

/** Fields per input in a {@linkcode PackedTask}. */
export const PACKED_INPUT = 5;

/** Fields per output in a {@linkcode PackedTask}. */
export const PACKED_OUTPUT = 5;

/** Fields before the inputs in a {@linkcode PackedTask}. */
export const PACKED_HEADER = 6;

/** An input's data handed over inside a {@linkcode PackedTask}. */
export interface InlineInput {
  /** The object's id. */
  id: Id;
  /** Its bytes (a blob). */
  data: Uint8Array;
  /** Its content type. */
  contentType: string;
}

/**
 * Validates a packed built-in task and unpacks it.
 *
 * @param v The packed task.
 * @param what Name of the field, for errors.
 * @returns The task, and the inputs whose data came with it.
 * @throws {ProtocolError} When the array is malformed.
 */
export function unpackTask(
  v: unknown,
  what: string,
): { task: AssignedTask; inline: InlineInput[] } {
  if (!Array.isArray(v) || v.length < PACKED_HEADER) {
    throw new ProtocolError(`${what}: expected a packed task`);
  }
  const session = int(v[0], `${what}[0]`);
  const taskId: Id = [session, int(v[1], `${what}[1]`)];
  const taskType = str(v[2], `${what}[2]`);
  if (taskType === "remote") throw new ProtocolError(`${what}: remote tasks are not packed`);
  const cpus = int(v[4], `${what}[4]`);
  if (cpus < 1) throw new ProtocolError(`${what}[4]: cpus must be at least 1`);
  const inputCount = int(v[5], `${what}[5]`);
  const outputStart = PACKED_HEADER + inputCount * PACKED_INPUT;
  if (outputStart > v.length || (v.length - outputStart) % PACKED_OUTPUT !== 0) {
    throw new ProtocolError(`${what}: wrong length for ${inputCount} inputs`);
  }
  const inputs = new Array<{ id: Id; label: string }>(inputCount);
  const inline: InlineInput[] = [];
  let sources: string[] | undefined;
  for (let i = 0, k = PACKED_HEADER; i < inputCount; i++, k += PACKED_INPUT) {
    const id: Id = [session, int(v[k], `${what}[${k}]`)];
    inputs[i] = { id, label: str(v[k + 1], `${what}[${k + 1}]`) };
    const source = str(v[k + 2], `${what}[${k + 2}]`);
    if (source) (sources ??= new Array<string>(inputCount).fill(""))[i] = source;
    const data = v[k + 3];
    if (data !== null) {
      inline.push({
        id,
        data: bytes(data, `${what}[${k + 3}]`),
        contentType: str(v[k + 4], `${what}[${k + 4}]`),
      });
    }
  }
  const outputCount = (v.length - outputStart) / PACKED_OUTPUT;
  const outputs = new Array<AssignedOutput>(outputCount);
  const outputIds = new Array<Id>(outputCount);
  let keep: boolean[] | undefined;
  for (let i = 0, k = outputStart; i < outputCount; i++, k += PACKED_OUTPUT) {
    const id: Id = [session, int(v[k], `${what}[${k}]`)];
    const out: AssignedOutput = { id, label: str(v[k + 1], `${what}[${k + 1}]`) };
    const contentType = str(v[k + 2], `${what}[${k + 2}]`);
    if (contentType) out.contentType = contentType;
    const type = dataType(v[k + 3], `${what}[${k + 3}]`);
    if (type !== "blob") out.dataType = type;
    if (bool(v[k + 4], `${what}[${k + 4}]`)) {
      (keep ??= new Array<boolean>(outputCount).fill(false))[i] = true;
    }
    outputs[i] = out;
    outputIds[i] = id;
  }
  const task: AssignedTask = {
    spec: { id: taskId, taskType, config: v[3], inputs, outputs: outputIds, resources: { cpus } },
    outputs,
  };
  if (sources) task.sources = sources;
  if (keep) task.keep = keep;
  return { task, inline };
}

/**
 * A finished task's report packed into one flat array, sent (as a `done`
 * message) instead of `finished` when neither the task nor an output has a
 * `debug` log, `user` info or a run-time content type:
 * `[session, n, startTime, duration, ...outputs]`, each output as `n, size,
 * hash, data` (`data` is `null` unless reported).
 */
export type PackedReport = unknown[];

/**
 * Packs a finished task's report when it has nothing but sizes and data.
 *
 * @param id The task's id.
 * @param info Its info.
 * @param outputs Its output reports.
 * @returns The packed report, or `null` when the report needs the full form.
 */
export function packReport(
  id: Id,
  info: FinishedInfo,
  outputs: OutputReport[],
): PackedReport | null {
  if (info.debug !== undefined || info.user !== undefined) return null;
  const p: PackedReport = [id[0], id[1], info.startTime, info.duration];
  for (const o of outputs) {
    if (o.contentType !== undefined || o.debug !== undefined || o.user !== undefined) return null;
    if (o.id[0] !== id[0]) return null;
    p.push(o.id[1], o.size, o.hash, o.data ?? null);
  }
  return p;
}

function unpackReport(
  v: unknown,
  what: string,
): Extract<ValidGovernorMessage, { type: "finished" }> {
  if (!Array.isArray(v) || v.length < 4 || (v.length - 4) % 4 !== 0) {
    throw new ProtocolError(`${what}: expected a packed report`);
  }
  const session = int(v[0], `${what}[0]`);
  const outputs = new Array<OutputReport>((v.length - 4) / 4);
  for (let i = 0, k = 4; k < v.length; i++, k += 4) {
    const out: OutputReport = {
      id: [session, int(v[k], `${what}[${k}]`)],
      size: int(v[k + 1], `${what}[${k + 1}]`),
      hash: str(v[k + 2], `${what}[${k + 2}]`),
    };
    if (v[k + 3] !== null) out.data = bytes(v[k + 3], `${what}[${k + 3}]`);
    outputs[i] = out;
  }
  return {
    type: "finished",
    id: [session, int(v[1], `${what}[1]`)],
    info: { startTime: num(v[2], `${what}[2]`), duration: num(v[3], `${what}[3]`) },
    outputs,
  };
}

/** A message from a governor to the server. */
export type GovernorMessage =
  | { type: "register"; version: number; address: string; cpus: number }
  | { type: "started"; id: Id; startTime: number }
  | { type: "finished"; id: Id; info: FinishedInfo; outputs: OutputReport[] }
  | { type: "done"; report: PackedReport }
  | { type: "failed"; id: Id; info: TaskInfo; lostInput?: LostInput }
  | { type: "heartbeat"; memory?: number }
  | {
    /** The governor now holds uploaded constant data (`PUT /contents/…`), checked against its hash. */
    type: "contentHeld";
    hash: string;
    dataType: DataType;
    size: number;
  };

/** A governor's message after validation: a `done` comes as the `finished` it packs. */
export type ValidGovernorMessage = Exclude<GovernorMessage, { type: "done" }>;

/** A message from the server to a governor. */
export type ServerToGovernorMessage =
  | { type: "registered"; id: string }
  | { type: "refused"; message: string }
  | { type: "assign"; task: AssignedTask }
  | { type: "run"; task: PackedTask }
  | {
    type: "put";
    id: Id;
    data: Uint8Array;
    contentType?: string;
    dataType?: DataType;
    /** The content hash, when the server knows it. */
    hash?: string;
  }
  | { type: "free"; session: number; ns: number[] }
  | { type: "stopSession"; session: number }
  | {
    /** The object is a constant whose data is uploaded content the governor holds. */
    type: "bind";
    id: Id;
    hash: string;
    dataType: DataType;
    size: number;
    contentType: string;
  }
  | { type: "dropContent"; hash: string; dataType: DataType };

function outputReport(v: unknown, what: string): OutputReport {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  int(r.size, `${what}.size`);
  str(r.hash, `${what}.hash`);
  opt(r.contentType, `${what}.contentType`, str);
  opt(r.debug, `${what}.debug`, str);
  opt(r.user, `${what}.user`, user);
  opt(r.data, `${what}.data`, bytes);
  return r as unknown as OutputReport;
}

/**
 * Validates one message from a governor.
 *
 * @param v A decoded message.
 * @returns The message, typed; a `done` comes back as the `finished` it packs.
 * @throws {ProtocolError} When the message is malformed.
 */
export function validateGovernorMessage(v: unknown): ValidGovernorMessage {
  const m = rec(v, "message");
  switch (m.type) {
    case "done":
      return unpackReport(m.report, "done.report");
    case "register":
      int(m.version, "register.version");
      str(m.address, "register.address");
      if (int(m.cpus, "register.cpus") < 1) throw new ProtocolError("register.cpus: must be >= 1");
      break;
    case "started":
      id(m.id, "started.id");
      int(m.startTime, "started.startTime");
      break;
    case "finished":
      id(m.id, "finished.id");
      finishedInfo(m.info, "finished.info");
      arr(m.outputs, "finished.outputs", outputReport);
      break;
    case "failed":
      id(m.id, "failed.id");
      taskInfo(m.info, "failed.info");
      opt(m.lostInput, "failed.lostInput", (v, what) => {
        const r = rec(v, what);
        id(r.id, `${what}.id`);
        str(r.source, `${what}.source`);
        return r;
      });
      break;
    case "heartbeat":
      opt(m.memory, "heartbeat.memory", int);
      break;
    case "contentHeld":
      str(m.hash, "contentHeld.hash");
      dataType(m.dataType, "contentHeld.dataType");
      int(m.size, "contentHeld.size");
      break;
    default:
      throw new ProtocolError(`Unknown governor message type "${String(m.type)}"`);
  }
  return m as ValidGovernorMessage;
}

function finishedInfo(v: unknown, what: string): FinishedInfo {
  const r = rec(v, what);
  num(r.startTime, `${what}.startTime`);
  num(r.duration, `${what}.duration`);
  opt(r.debug, `${what}.debug`, str);
  opt(r.user, `${what}.user`, user);
  return r as unknown as FinishedInfo;
}

function assignedSpec(v: unknown, what: string): AssignedSpec {
  const r = taskSpecCore(v, what);
  opt(r.user, `${what}.user`, user);
  opt(r.name, `${what}.name`, str);
  return r as unknown as AssignedSpec;
}

function assignedOutput(v: unknown, what: string): AssignedOutput {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  str(r.label, `${what}.label`);
  opt(r.contentType, `${what}.contentType`, str);
  opt(r.dataType, `${what}.dataType`, dataType);
  opt(r.user, `${what}.user`, user);
  return r as unknown as AssignedOutput;
}

function assignedTask(v: unknown, what: string): AssignedTask {
  const r = rec(v, what);
  const spec = assignedSpec(r.spec, `${what}.spec`);
  if (spec.taskType === "remote") {
    // The executor hands these to user code: they must be complete.
    user(spec.user, `${what}.spec.user`);
    str(spec.name, `${what}.spec.name`);
    arr(r.outputs, `${what}.outputs`, objectSpec);
  } else arr(r.outputs, `${what}.outputs`, assignedOutput);
  opt(r.sources, `${what}.sources`, (x, w) => arr(x, w, str));
  opt(r.keep, `${what}.keep`, (x, w) => arr(x, w, bool));
  opt(r.inputs, `${what}.inputs`, (x, w) => arr(x, w, objectSpec));
  return r as unknown as AssignedTask;
}

/**
 * Validates one message from the server, as a governor receives it.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When the message is malformed.
 */
export function validateServerToGovernor(v: unknown): ServerToGovernorMessage {
  const m = rec(v, "message");
  switch (m.type) {
    case "registered":
      str(m.id, "registered.id");
      break;
    case "refused":
      str(m.message, "refused.message");
      break;
    case "assign":
      assignedTask(m.task, "assign.task");
      break;
    case "run":
      if (!Array.isArray(m.task)) throw new ProtocolError("run.task: expected a packed task");
      break;
    case "put":
      id(m.id, "put.id");
      bytes(m.data, "put.data");
      opt(m.contentType, "put.contentType", str);
      opt(m.dataType, "put.dataType", dataType);
      opt(m.hash, "put.hash", str);
      break;
    case "free":
      int(m.session, "free.session");
      arr(m.ns, "free.ns", int);
      break;
    case "stopSession":
      int(m.session, "stopSession.session");
      break;
    case "bind":
      id(m.id, "bind.id");
      str(m.hash, "bind.hash");
      dataType(m.dataType, "bind.dataType");
      int(m.size, "bind.size");
      str(m.contentType, "bind.contentType");
      break;
    case "dropContent":
      str(m.hash, "dropContent.hash");
      dataType(m.dataType, "dropContent.dataType");
      break;
    default:
      throw new ProtocolError(`Unknown server message type "${String(m.type)}"`);
  }
  return m as ServerToGovernorMessage;
}
