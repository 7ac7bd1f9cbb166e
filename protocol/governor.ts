/**
 * Messages between a governor and the server, with their validators.
 *
 * @module
 */
import type { DataType, Id } from "../common/attributes.ts";
import { type AssignedTask, assignedTask } from "./assigned_task.ts";
import { cpus, dataType, id, taskInfo } from "./attributes.ts";
import { finishedMessage, type PackedReport, unpackReport } from "./packed_report.ts";
import { type PackedTask, type UnpackedTask, unpackTask } from "./packed_task.ts";
import {
  array,
  bytes,
  field,
  type Infer,
  int,
  num,
  objectOf,
  optional,
  record,
  type Same,
  str,
  variant,
} from "./validate.ts";

/**
 * Version of the server <-> governor protocol, checked at registration (the
 * client protocol has its own, `PROTOCOL_VERSION`). 2: compact `put`,
 * `assign` and `finished` messages. 3: built-in tasks travel packed
 * (`packed_task.ts`) with their small inputs' data; frees are numbers
 * per session; plain reports of finished tasks are packed
 * (`packed_report.ts`). 4: `registered` carries the data servers'
 * secret. 5: outputs are reported with their content hash; `put` carries
 * the hash; uploaded constant data (`contentHeld`, `bind`, `dropContent`).
 */
export const GOVERNOR_PROTOCOL_VERSION = 5;

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

/**
 * Validates one message from a governor.
 *
 * @param v A decoded message.
 * @returns The message, typed; a `done` comes back as the `finished` it packs.
 * @throws {ProtocolError} When the message is malformed, naming the field.
 */
export const validateGovernorMessage = variant("governor message", {
  /** The first message: the governor's protocol version, data address and cpus. */
  register: { version: int, address: str, cpus },
  /** A task started running. */
  started: { id, startTime: num },
  /** A task finished: its info and outputs. */
  finished: finishedMessage,
  /** A plain finished report, packed. */
  done: (v) => field(record(v), "report", unpackReport),
  /** A task failed; `lostInput` when an input could not be fetched. */
  failed: {
    id,
    info: taskInfo,
    lostInput: optional(objectOf<LostInput>({ id, source: str })),
  },
  /** The governor is alive; `memory`: its resident memory in bytes. */
  heartbeat: { memory: optional(int) },
  /** The governor now holds uploaded constant data (`PUT /contents/…`), checked against its hash. */
  contentHeld: { hash: str, dataType, size: int },
});

/** A governor's message after validation: a `done` comes as the `finished` it packs. */
export type ValidGovernorMessage = Infer<typeof validateGovernorMessage>;

/** A message from a governor to the server, as it travels. */
export type GovernorMessage = ValidGovernorMessage | { type: "done"; report: PackedReport };

/** A `run` message after validation: its task unpacked. */
export interface ValidRun extends UnpackedTask {
  /** Message type. */
  type: "run";
}

/**
 * Validates one message from the server, as a governor receives it.
 *
 * @param v A decoded message.
 * @returns The message, typed; a `run` comes with its task unpacked.
 * @throws {ProtocolError} When the message is malformed, naming the field.
 */
export const validateServerToGovernor = variant("server message", {
  /** The answer to `register`: the governor's id. */
  registered: { id: str, dataToken: optional(str) },
  /** The server refused the governor. */
  refused: { message: str },
  /** A remote-function task, with full specs. */
  assign: { task: assignedTask },
  /** A built-in task, packed (`packed_task.ts`). */
  run: (v): ValidRun => {
    const { task, inline } = field(record(v), "task", unpackTask);
    return { type: "run", task, inline };
  },
  /** An object's data, for the governor to hold. */
  put: {
    id,
    data: bytes,
    contentType: optional(str),
    dataType: optional(dataType),
    hash: optional(str),
  },
  /** Objects of a session to remove, by number. */
  free: { session: int, ns: array(int) },
  /** A session ended: stop its tasks and remove its objects. */
  stopSession: { session: int },
  /** The object is a constant whose data is uploaded content the governor holds. */
  bind: { id, hash: str, dataType, size: int, contentType: str },
  /** Uploaded content no constant uses any more: delete it. */
  dropContent: { hash: str, dataType },
});

/** A message from the server after validation: a `run` comes unpacked. */
export type ValidServerToGovernor = Infer<typeof validateServerToGovernor>;

/**
 * A message from the server to a governor, as it travels: a `run` is
 * packed. Spelled out because the server's public types reach it (the
 * compile-time check below keeps it equal to what the validator accepts).
 */
export type ServerToGovernorMessage =
  | {
    type: "registered";
    id: string;
    /**
     * The secret of the governors' object data servers (serving and
     * fetching); absent when the server runs without authentication.
     */
    dataToken?: string;
  }
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

type Unpacked = Exclude<ServerToGovernorMessage, { type: "run" }> | ValidRun;
const _sameMessages: Same<Unpacked, ValidServerToGovernor> = true;
