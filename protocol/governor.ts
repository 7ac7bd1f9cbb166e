/**
 * Messages between a governor and the server, with their validators.
 *
 * @module
 */
import type { Id, ObjectInfo, ObjectSpec, TaskInfo, TaskSpec } from "../common/attributes.ts";
import { ProtocolError } from "../common/errors.ts";
import {
  arr,
  bool,
  bytes,
  id,
  int,
  objectInfo,
  objectSpec,
  opt,
  rec,
  str,
  taskInfo,
  taskSpec,
} from "./validate.ts";

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

/** A task as the server hands it to a governor. */
export interface AssignedTask {
  /** The task's spec. */
  spec: TaskSpec;
  /** Specs of the task's outputs, in order. */
  outputs: ObjectSpec[];
  /** Per input: `""` when the governor has (or is sent) it, else the holder's `host:port`. */
  sources: string[];
  /** Per output: whether the client keeps it (small kept outputs are reported with their data). */
  keep: boolean[];
  /** Specs of the task's input objects, in order (absent from older servers). */
  inputs?: ObjectSpec[];
}

/** What a governor reports of one output of a finished task. */
export interface OutputReport {
  /** The object's id. */
  id: Id;
  /** The object's info (size, run-time content type, ...). */
  info: ObjectInfo;
  /** The data of a small kept object, so the server can answer fetches at once. */
  data?: Uint8Array;
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
  | { type: "finished"; id: Id; info: TaskInfo; outputs: OutputReport[] }
  | { type: "failed"; id: Id; info: TaskInfo; lostInput?: LostInput }
  | { type: "heartbeat" };

/** A message from the server to a governor. */
export type ServerToGovernorMessage =
  | { type: "registered"; id: string }
  | { type: "refused"; message: string }
  | { type: "assign"; task: AssignedTask }
  | { type: "put"; spec: ObjectSpec; data: Uint8Array }
  | { type: "free"; ids: Id[] }
  | { type: "stopSession"; session: number };

function outputReport(v: unknown, what: string): OutputReport {
  const r = rec(v, what);
  id(r.id, `${what}.id`);
  objectInfo(r.info, `${what}.info`);
  opt(r.data, `${what}.data`, bytes);
  return r as unknown as OutputReport;
}

/**
 * Validates one message from a governor.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When the message is malformed.
 */
export function validateGovernorMessage(v: unknown): GovernorMessage {
  const m = rec(v, "message");
  switch (m.type) {
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
      taskInfo(m.info, "finished.info");
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
  return m as GovernorMessage;
}

function assignedTask(v: unknown, what: string): AssignedTask {
  const r = rec(v, what);
  taskSpec(r.spec, `${what}.spec`);
  arr(r.outputs, `${what}.outputs`, objectSpec);
  arr(r.sources, `${what}.sources`, str);
  arr(r.keep, `${what}.keep`, bool);
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
    case "put":
      objectSpec(m.spec, "put.spec");
      bytes(m.data, "put.data");
      break;
    case "free":
      arr(m.ids, "free.ids", id);
      break;
    case "stopSession":
      int(m.session, "stopSession.session");
      break;
    default:
      throw new ProtocolError(`Unknown server message type "${String(m.type)}"`);
  }
  return m as ServerToGovernorMessage;
}
