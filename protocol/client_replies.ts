/**
 * What the server answers to each client request, defined once by its
 * validator: the server's answers are typed by it and the client checks each
 * reply with it.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";
import { id, objectInfo, taskInfo } from "./attributes.ts";
import type { RequestType } from "./client.ts";
import {
  array,
  bool,
  bytes,
  type Infer,
  int,
  literal,
  nil,
  nullable,
  object,
  objectOf,
  optional,
  str,
  type Validator,
} from "./validate.ts";

/** State and info of one task in an update reply (`info` is `null` while the task has not run). */
const taskUpdate = object({
  n: int,
  state: literal("submitted", "running", "finished", "failed"),
  info: nullable(taskInfo),
});

/** State and info of one task in an update reply. */
export type TaskUpdate = Infer<typeof taskUpdate>;

/** State and info of one object in an update reply (`info` is `null` until it is computed). */
const objectUpdate = object({
  n: int,
  state: literal("submitted", "finished", "failed", "removed"),
  info: nullable(objectInfo),
});

/** State and info of one object in an update reply. */
export type ObjectUpdate = Infer<typeof objectUpdate>;

/** The reply to `wait` and `update`: one update per task and object asked for, in order. */
const updates = object({ tasks: array(taskUpdate), objects: array(objectUpdate) });

/**
 * The reply to `fetch`: the object's info and either its data or the
 * `host:port` of a governor holding it.
 */
const fetchReply = object({ info: objectInfo, data: optional(bytes), location: optional(str) });

/** The reply to `fetch`. */
export type FetchReply = Infer<typeof fetchReply>;

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

const progressReply = objectOf<ProgressReply>({
  waiting: int,
  ready: int,
  running: int,
  finished: int,
  failed: int,
  state: literal("open", "failed"),
});

/** A governor as listed by `serverInfo()`. */
export interface GovernorSummary {
  /** The governor's `host:port`. */
  id: string;
  /** Its cpus. */
  cpus: number;
  /** Ids of the tasks assigned to it. */
  tasks: Id[];
  /** Ids of the objects it holds, and of the outputs of the tasks it runs (being produced). */
  objects: Id[];
  /** Bytes of object data it holds. */
  memory: number;
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

const contentPlan = objectOf<ContentPlan>({ governor: str, upload: bool });

/** What `serverInfo()` reports. */
export interface ServerInfo {
  /** The connected governors. */
  governors: GovernorSummary[];
  /**
   * Uploaded constant data (README, "Large constants"): what the governors
   * hold, how many uploads arrived, and how many constants found their data
   * there already (`hits`), sparing `bytesNotSent`.
   */
  contents: ContentSummary;
}

const serverInfo = objectOf<ServerInfo>({
  governors: array(
    objectOf<GovernorSummary>({
      id: str,
      cpus: int,
      tasks: array(id),
      objects: array(id),
      memory: int,
    }),
  ),
  contents: objectOf<ContentSummary>({
    count: int,
    bytes: int,
    uploads: int,
    hits: int,
    bytesNotSent: int,
  }),
});

/** The validator of each request's reply. */
export const replies = {
  newSession: int,
  submit: nil,
  wait: updates,
  waitAll: nil,
  fetch: fetchReply,
  corrupt: nil,
  unkeep: nil,
  update: updates,
  closeSession: nil,
  progress: progressReply,
  serverInfo,
  contents: array(contentPlan),
} satisfies { [K in RequestType]: Validator<unknown> };

/** The reply to a request of type `K`. */
export type Reply<K extends RequestType> = Infer<(typeof replies)[K]>;
