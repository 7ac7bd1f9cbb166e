/**
 * Messages between a governor and the server, with their validators.
 *
 * @module
 */
import type { DataType, Id, TaskInfo } from "../common/attributes.ts";
import type { AssignedOutput, AssignedSpec, AssignedTask } from "./assigned_task.ts";
import {
  type FinishedInfo,
  type FinishedMessage,
  type OutputReport,
  type PackedReport,
  unpackReport,
} from "./packed_report.ts";
import type { PackedTask } from "./packed_task.ts";
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
 * (`packed_task.ts`) with their small inputs' data; frees are numbers
 * per session; plain reports of finished tasks are packed
 * (`packed_report.ts`).
 */
export const GOVERNOR_PROTOCOL_VERSION = 3;

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

/** An input a governor could not fetch, and from where. */
export interface LostInput {
  /** The input's id. */
  id: Id;
  /** The governor (`host:port`) it was to come from. */
  source: string;
}

/** A message from a governor to the server. */
export type GovernorMessage =
  | { type: "register"; version: number; address: string; cpus: number }
  | { type: "started"; id: Id; startTime: number }
  | FinishedMessage
  | { type: "done"; report: PackedReport }
  | { type: "failed"; id: Id; info: TaskInfo; lostInput?: LostInput }
  | { type: "heartbeat" };

/** A governor's message after validation: a `done` comes as the `finished` it packs. */
export type ValidGovernorMessage = Exclude<GovernorMessage, { type: "done" }>;

/** A message from the server to a governor. */
export type ServerToGovernorMessage =
  | { type: "registered"; id: string }
  | { type: "refused"; message: string }
  | { type: "assign"; task: AssignedTask }
  | { type: "run"; task: PackedTask }
  | { type: "put"; id: Id; data: Uint8Array; contentType?: string; dataType?: DataType }
  | { type: "free"; session: number; ns: number[] }
  | { type: "stopSession"; session: number };

function outputReport(v: unknown, what: string): OutputReport {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  int(r.size, `${what}.size`);
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
      break;
    case "free":
      int(m.session, "free.session");
      arr(m.ns, "free.ns", int);
      break;
    case "stopSession":
      int(m.session, "stopSession.session");
      break;
    default:
      throw new ProtocolError(`Unknown server message type "${String(m.type)}"`);
  }
  return m as ServerToGovernorMessage;
}
