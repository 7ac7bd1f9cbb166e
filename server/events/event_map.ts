/**
 * The server's events: one map of namespaced event names to payloads. Every
 * state change of sessions, tasks, objects and governors is one event; the
 * in-memory log, the log file, the dashboard, the trace export, the client's
 * progress, `rain status` and the server's log lines are all fed from them.
 *
 * In the log file (and `GET /api/events`) an event is one JSON object per
 * line: `{"seq":12,"time":1700000000123,"type":"task:finished","session":1,...}`,
 * `seq` counting from 1 per server run, `time` in epoch milliseconds.
 *
 * @module
 */
import type { DataType, ObjectSpec, TaskSpec } from "../../common/attributes.ts";

/** An object as submitted: its spec, keep flag and, for a constant, its size. */
export interface SubmittedObject {
  /** The object's spec. */
  spec: ObjectSpec;
  /** Whether the client keeps it. */
  keep: boolean;
  /** Size of a constant's data in bytes; absent for task outputs. */
  size?: number;
}

/** Event names and their payloads (without `type`, `seq` and `time`). */
export interface EventMap {
  /** A server (or log file) starts; the first event of every log file. */
  "server:started": { version: number };
  /** A governor registered. */
  "governor:joined": { governor: string; cpus: number };
  /** A governor's heartbeat, with its resident memory in bytes when it reports one. */
  "governor:heartbeat": { governor: string; memory: number };
  /** A governor went away or stopped answering. */
  "governor:lost": { governor: string; reason: string };
  /** A client opened a session. */
  "session:opened": { session: number; name: string; client: string };
  /** A submit (or one part of it) arrived. */
  "session:submitted": { session: number; tasks: TaskSpec[]; objects: SubmittedObject[] };
  /** Every task submitted so far has finished. */
  "session:finished": { session: number };
  /** A task failed (or the graph was invalid): the session failed with this error. */
  "session:failed": { session: number; error: string };
  /** The session was closed (by its client or when the client disconnected). */
  "session:closed": { session: number };
  /** All inputs of a task are finished: it waits for a governor. */
  "task:ready": { session: number; task: number };
  /** A task was sent to a governor. */
  "task:assigned": { session: number; task: number; governor: string };
  /** A governor reported that a task started (tasks that run asynchronously). */
  "task:started": { session: number; task: number; governor: string; start: number };
  /** A task finished; `start` in epoch ms, `duration` in ms. */
  "task:finished": {
    session: number;
    task: number;
    governor: string;
    start: number;
    duration: number;
    debug: string;
    user: Record<string, unknown>;
  };
  /** A task failed with an error (the stderr tail of a program, an exception...). */
  "task:failed": {
    session: number;
    task: number;
    governor: string;
    start: number;
    duration: number;
    error: string;
    debug: string;
  };
  /** A task was put back to run again (its governor was lost, an input was lost). */
  "task:requeued": { session: number; task: number; reason: string };
  /** A governor holds an object now: a task's output, or data the server handed it. */
  "object:stored": {
    session: number;
    object: number;
    governor: string;
    size: number;
    contentType: string;
  };
  /** A governor fetches an object from another governor to run a task. */
  "object:transferred": {
    session: number;
    object: number;
    from: string;
    to: string;
    size: number;
  };
  /** A governor dropped an object (no longer needed, or its session ended). */
  "object:freed": { session: number; object: number; governor: string; size: number };
  /** A governor received a large constant's data from a client, checked against its hash. */
  "content:uploaded": { governor: string; hash: string; dataType: DataType; size: number };
  /** A constant's data was on a governor already (any earlier submit): it was not sent again. */
  "content:hit": {
    session: number;
    object: number;
    governor: string;
    hash: string;
    size: number;
  };
}

/** An event name, e.g. `"task:finished"`. */
export type EventName = keyof EventMap;

/** An event as emitted: its `type` and payload. */
export type RainEvent = { [K in EventName]: { type: K } & EventMap[K] }[EventName];

/** The event of one name. */
export type EventOf<K extends EventName> = Extract<RainEvent, { type: K }>;

/** An event as logged: numbered and timed. */
export type LoggedEvent = RainEvent & {
  /** Its number in the server's run, from 1. */
  seq: number;
  /** When it happened, epoch milliseconds. */
  time: number;
};

/** Version of the log file format, in `server:started`. */
export const EVENT_LOG_VERSION = 1;
