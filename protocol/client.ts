/**
 * Messages between a client and the server, with their validator.
 *
 * Every client request carries a request id `rid`; the server answers each
 * with a `reply` (or an `error`) carrying the same `rid`.
 *
 * @module
 */
import type { DataType, ObjectInfo, ObjectSpec, TaskInfo, TaskSpec } from "../common/attributes.ts";
import { ProtocolError } from "../common/errors.ts";
import { arr, bool, dataType, int, mapArr, opt, rec, str } from "./validate.ts";
import {
  type PackedObject,
  type PackedTaskSpec,
  unpackSubmitObject,
  unpackTaskSpec,
} from "./submit_packing.ts";

/** An object sent with a submit: its spec, its keep flag and, for constants, its data. */
export interface SubmitObject {
  /** The object's spec. */
  spec: ObjectSpec;
  /** Whether the client keeps the object. */
  keep: boolean;
  /** Data of a constant object (absent for task outputs). */
  data?: Uint8Array;
  /** A constant's content hash, as the client computed it. */
  hash?: string;
}

/** Constant data a client is about to submit by reference (see `contents`). */
export interface ContentItem {
  /** Its content hash. */
  hash: string;
  /** `"blob"` or `"dir"`. */
  dataType: DataType;
  /** Its size in bytes (a dir's: the sum of its files). */
  size: number;
}

/**
 * Where a constant's data is, or is to go: `upload` is `false` when the
 * governor already holds it (nothing is sent), `true` when the client is to
 * upload it there (`PUT /contents/…` of the data plane).
 */
export interface ContentPlan {
  /** The governor's `host:port`. */
  governor: string;
  /** Whether the client must send the data. */
  upload: boolean;
}

/** What `serverInfo()` and `/api/info` report of the contents. */
export interface ContentSummary {
  /** Contents held. */
  count: number;
  /** Their bytes. */
  bytes: number;
  /** Contents uploaded since the server started. */
  uploads: number;
  /** Constants whose data was already held, so not sent again. */
  hits: number;
  /** Bytes those hits did not send. */
  bytesNotSent: number;
}

/** A message from the client to the server. */
export type ClientMessage =
  | { type: "hello"; version: number }
  | { type: "newSession"; rid: number; name: string }
  | {
    type: "submit";
    rid: number;
    session: number;
    tasks: PackedTaskSpec[];
    objects: PackedObject[];
    /** More parts of the same submit follow (a large graph is sent in parts). */
    more?: boolean;
  }
  | { type: "wait"; rid: number; session: number; tasks: number[]; objects: number[] }
  | { type: "waitAll"; rid: number; session: number }
  | { type: "fetch"; rid: number; session: number; id: number }
  | {
    /** The copy of an object on a governor did not match its hash (`error` says how). */
    type: "corrupt";
    rid: number;
    session: number;
    id: number;
    location: string;
    error: string;
  }
  | { type: "unkeep"; rid: number; session: number; ids: number[] }
  | { type: "update"; rid: number; session: number; tasks: number[]; objects: number[] }
  | { type: "closeSession"; rid: number; session: number }
  | {
    /** Asks where constants' data is held or is to be uploaded; the reply is a `ContentPlan[]`. */
    type: "contents";
    rid: number;
    items: ContentItem[];
  }
  | { type: "progress"; rid: number; session: number }
  | { type: "serverInfo"; rid: number };

/** A submit as the server handles it, its tasks and objects unpacked. */
export interface UnpackedSubmit {
  /** Message type. */
  type: "submit";
  /** Request id. */
  rid: number;
  /** The session. */
  session: number;
  /** The new tasks, in creation order. */
  tasks: TaskSpec[];
  /** The new objects, in creation order. */
  objects: SubmitObject[];
  /** More parts of the same submit follow. */
  more?: boolean;
}

/** A client message after validation: a submit comes unpacked. */
export type ValidClientMessage = Exclude<ClientMessage, { type: "submit" }> | UnpackedSubmit;

/** State and info of one task in an update reply. */
export interface TaskUpdate {
  /** Session-local task number. */
  n: number;
  /** Current state. */
  state: "submitted" | "running" | "finished" | "failed";
  /** Info, or `null` while the task has not run. */
  info: TaskInfo | null;
}

/** State and info of one object in an update reply. */
export interface ObjectUpdate {
  /** Session-local object number. */
  n: number;
  /** Current state. */
  state: "submitted" | "finished" | "failed" | "removed";
  /** Info, or `null` while the object has not been computed. */
  info: ObjectInfo | null;
}

/** The reply to `fetch`: the object's info and either its data or where to get it. */
export interface FetchReply {
  /** The object's info. */
  info: ObjectInfo;
  /** The data, when the server has it. */
  data?: Uint8Array;
  /** `host:port` of a governor holding the data, when the server has none. */
  location?: string;
}

/** The reply to `progress`: a session's tasks per state. */
export interface ProgressReply {
  /** Tasks whose inputs are not all finished. */
  waiting: number;
  /** Tasks waiting for a governor. */
  ready: number;
  /** Tasks assigned to a governor or running there. */
  running: number;
  /** Tasks finished. */
  finished: number;
  /** Tasks failed. */
  failed: number;
  /** The session's state on the server. */
  state: "open" | "failed";
}

/** A governor as listed by `serverInfo`. */
export interface GovernorSummary {
  /** The governor's `host:port`. */
  id: string;
  /** Its cpus. */
  cpus: number;
  /** Ids of the tasks assigned to it. */
  tasks: [number, number][];
  /** Ids of the objects it holds, and of the outputs of the tasks it runs (being produced). */
  objects: [number, number][];
  /** Bytes of object data it holds. */
  memory: number;
}

/** A message from the server to the client. */
export type ServerToClientMessage =
  | { type: "welcome"; version: number }
  | { type: "reply"; rid: number; value: unknown }
  | { type: "error"; rid: number; message: string; code: string };

const nums = (v: unknown, what: string) => arr(v, what, int);

/**
 * Validates one message from a client.
 *
 * @param v A decoded message.
 * @returns The message, typed (a submit's tasks and objects unpacked).
 * @throws {ProtocolError} When the message is malformed.
 */
export function validateClientMessage(v: unknown): ValidClientMessage {
  const m = rec(v, "message");
  const t = m.type;
  if (t === "hello") {
    int(m.version, "hello.version");
    return m as ValidClientMessage;
  }
  int(m.rid, `${t}.rid`);
  switch (t) {
    case "newSession":
      str(m.name, "newSession.name");
      break;
    case "submit": {
      const session = int(m.session, "submit.session");
      opt(m.more, "submit.more", bool);
      const tasks = mapArr(m.tasks, "submit.tasks", (x, w) => unpackTaskSpec(x, session, w));
      const objects = mapArr(
        m.objects,
        "submit.objects",
        (x, w) => unpackSubmitObject(x, session, w),
      );
      return {
        type: "submit",
        rid: m.rid as number,
        session,
        tasks,
        objects,
        more: m.more as boolean | undefined,
      };
    }
    case "wait":
    case "update":
      int(m.session, `${t}.session`);
      nums(m.tasks, `${t}.tasks`);
      nums(m.objects, `${t}.objects`);
      break;
    case "fetch":
      int(m.session, "fetch.session");
      int(m.id, "fetch.id");
      break;
    case "corrupt":
      int(m.session, "corrupt.session");
      int(m.id, "corrupt.id");
      str(m.location, "corrupt.location");
      str(m.error, "corrupt.error");
      break;
    case "unkeep":
      int(m.session, "unkeep.session");
      nums(m.ids, "unkeep.ids");
      break;
    case "waitAll":
    case "closeSession":
    case "progress":
      int(m.session, `${t}.session`);
      break;
    case "serverInfo":
      break;
    case "contents":
      arr(m.items, "contents.items", (x, w) => {
        const r = rec(x, w);
        str(r.hash, `${w}.hash`);
        dataType(r.dataType, `${w}.dataType`);
        int(r.size, `${w}.size`);
        return r;
      });
      break;
    default:
      throw new ProtocolError(`Unknown client message type "${String(t)}"`);
  }
  return m as ValidClientMessage;
}

/**
 * Validates one message from the server, as the client receives it.
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When the message is malformed.
 */
export function validateServerToClient(v: unknown): ServerToClientMessage {
  const m = rec(v, "message");
  switch (m.type) {
    case "welcome":
      int(m.version, "welcome.version");
      break;
    case "reply":
      int(m.rid, "reply.rid");
      break;
    case "error":
      int(m.rid, "error.rid");
      str(m.message, "error.message");
      str(m.code, "error.code");
      break;
    default:
      throw new ProtocolError(`Unknown server message type "${String(m.type)}"`);
  }
  return m as ServerToClientMessage;
}
