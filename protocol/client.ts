/**
 * Messages between a client and the server, each defined once by its
 * validator (the types are inferred from it).
 *
 * Every client request carries a request id `rid`; the server answers each
 * with a `reply` (or an `error`) carrying the same `rid`. What each reply
 * holds is in `client_replies.ts`. The one message the server sends unasked
 * is `sessionFailed`.
 *
 * @module
 */
import type { DataType, ObjectSpec, TaskSpec } from "../common/attributes.ts";
import { dataType } from "./attributes.ts";
import {
  type PackedObject,
  type PackedTaskSpec,
  unpackSubmitObject,
  unpackTaskSpec,
} from "./submit_packing.ts";
import {
  anything,
  array,
  bool,
  field,
  type Infer,
  int,
  mapArray,
  object,
  objectOf,
  optional,
  record,
  str,
  variant,
} from "./validate.ts";

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

const contentItem = objectOf<ContentItem>({ hash: str, dataType, size: int });

/** A submit as the client sends it: its tasks and objects packed (`submit_packing.ts`). */
export interface SubmitMessage {
  /** Message type. */
  type: "submit";
  /** Request id. */
  rid: number;
  /** The session. */
  session: number;
  /** The new tasks, in creation order. */
  tasks: PackedTaskSpec[];
  /** The new objects, in creation order. */
  objects: PackedObject[];
  /** More parts of the same submit follow (a large graph is sent in parts). */
  more?: boolean;
}

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

const submitHeader = object({ rid: int, session: int, more: optional(bool) });

function unpackSubmit(v: unknown): UnpackedSubmit {
  const r = record(v);
  const { rid, session, more } = submitHeader(r);
  const tasks = field(r, "tasks", (x) => mapArray(x, (t) => unpackTaskSpec(t, session)));
  const objects = field(r, "objects", (x) => mapArray(x, (o) => unpackSubmitObject(o, session)));
  const m: UnpackedSubmit = { type: "submit", rid, session, tasks, objects };
  if (more !== undefined) m.more = more;
  return m;
}

const ids = array(int);

/**
 * Validates one message from a client.
 *
 * @param v A decoded message.
 * @returns The message, typed (a submit's tasks and objects unpacked).
 * @throws {ProtocolError} When the message is malformed, naming the field.
 */
export const validateClientMessage = variant("client message", {
  /** The first message: the client's protocol version. */
  hello: { version: int },
  /** Opens a session; the reply is its id. */
  newSession: { rid: int, name: str },
  /** Adds tasks and objects to a session. */
  submit: unpackSubmit,
  /** Waits for tasks and objects; the reply is their updates. */
  wait: { rid: int, session: int, tasks: ids, objects: ids },
  /** Waits for every task of a session. */
  waitAll: { rid: int, session: int },
  /** An object's info and data (or where it is). */
  fetch: { rid: int, session: int, id: int },
  /** The copy of an object on a governor did not match its hash (`error` says how). */
  corrupt: { rid: int, session: int, id: int, location: str, error: str },
  /** Stops keeping objects. */
  unkeep: { rid: int, session: int, ids },
  /** The current state and info of tasks and objects. */
  update: { rid: int, session: int, tasks: ids, objects: ids },
  /** Closes a session. */
  closeSession: { rid: int, session: int },
  /** A session's tasks per state. */
  progress: { rid: int, session: int },
  /** The governors and what they run and hold. */
  serverInfo: { rid: int },
  /** Where constants' data is held or is to be uploaded; the reply is a `ContentPlan[]`. */
  contents: { rid: int, items: array(contentItem) },
});

/** A client message after validation: a submit comes unpacked. */
export type ValidClientMessage = Infer<typeof validateClientMessage>;

/** A message from the client to the server, as it travels: a submit is packed. */
export type ClientMessage = Exclude<ValidClientMessage, { type: "submit" }> | SubmitMessage;

/** The types of the client's requests (every message but `hello`). */
export type RequestType = Exclude<ClientMessage["type"], "hello">;

/**
 * Validates one message from the server, as the client receives it (a
 * reply's value is checked against its request, `client_replies.ts`).
 *
 * @param v A decoded message.
 * @returns The message, typed.
 * @throws {ProtocolError} When the message is malformed, naming the field.
 */
export const validateServerToClient = variant("server message", {
  /** The answer to `hello`: the server's protocol version. */
  welcome: { version: int, dataToken: optional(str) },
  /** A request's result. */
  reply: { rid: int, value: anything },
  /** A request's failure (`rid` 0: the connection's, after a protocol error). */
  error: { rid: int, message: str, code: str },
  /**
   * A session of this client failed (sent unasked, before any reply that
   * reports it), so that the client knows without asking.
   */
  sessionFailed: { session: int, message: str },
});

/** A message from the server to the client. */
export type ServerToClientMessage = Infer<typeof validateServerToClient>;
