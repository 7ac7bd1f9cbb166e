/**
 * The server's graph: sessions, tasks and data objects, with the counters
 * that drive scheduling and freeing without scans.
 *
 * @module
 */
import type { ObjectInfo, ObjectSpec, TaskInfo, TaskSpec } from "../common/attributes.ts";
import type { GovernorLink } from "./governor_link.ts";
import type { ContentEntry } from "./contents.ts";
import type { ClientLink } from "./client_link.ts";
import type { Archive } from "./archive.ts";

/**
 * The empty list that node lists (`dependents`, `consumerTasks`,
 * `locations`) start as and go back to: frozen, so it is only ever extended
 * through {@linkcode append}. Most lists hold one item, and a list made by a
 * first `push` has room for 16.
 */
// Typed mutable so node lists can hold it; frozen so that a push on it throws.
export const EMPTY: never[] = Object.freeze([]) as never[];

/**
 * Adds an item to a node list.
 *
 * @param list The list (possibly {@linkcode EMPTY}).
 * @param item The item.
 * @returns The list to store back: a new one-item array when `list` was empty.
 */
export function append<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}

/** Someone waiting for a number of tasks/objects to finish. */
export interface Waiter {
  /** Items still unfinished. */
  remaining: number;
  /** Called once everything finished. */
  done(): void;
  /** Called when the session fails or closes first. */
  fail(message: string, code: string): void;
}

/** Server-side state of a task. */
export interface TaskNode {
  /** The task's spec. */
  spec: TaskSpec;
  /** Its session. */
  session: SessionState;
  /** Where the task is in its life. */
  state: "waiting" | "ready" | "assigned" | "running" | "finished" | "failed";
  /** Inputs not finished yet. */
  waitingFor: number;
  /** Input objects in order. */
  inputs: ObjectNode[];
  /** Output objects in order. */
  outputs: ObjectNode[];
  /** The governor it was last assigned to (`GovernorLink.claim`). */
  governor: GovernorLink | null;
  /** Info once reported. */
  info: TaskInfo | null;
  /** Waiters for this task. */
  waiters: Waiter[] | null;
  /** Times the task was put back because an input could not be fetched. */
  retries: number;
}

/** Server-side state of a data object. */
export interface ObjectNode {
  /** The object's spec. */
  spec: ObjectSpec;
  /** Its session. */
  session: SessionState;
  /** Where the object is in its life. */
  state: "waiting" | "finished" | "failed" | "removed";
  /** The producing task, `null` for constants. */
  producer: TaskNode | null;
  /** Consumer tasks not finished yet, plus one while held for a submit's later parts. */
  consumers: number;
  /**
   * Consumer tasks (to hold them back when the object must be recomputed);
   * only unfinished ones are held back, so finished ones are dropped once
   * they are half the list, and the list emptied when none is unfinished.
   */
  consumerTasks: TaskNode[];
  /** Consumer tasks not archived yet: while any is not, the producer may have to run again. */
  unarchived: number;
  /** Tasks waiting for this object to finish. */
  dependents: TaskNode[];
  /** Kept by the client. */
  keep: boolean;
  /** Governors holding the data (changed only by `locations.ts`). */
  locations: GovernorLink[];
  /** Data held by the server (constants, small kept objects). */
  data: Uint8Array | null;
  /** Info once computed. */
  info: ObjectInfo | null;
  /** Waiters for this object. */
  waiters: Waiter[] | null;
  /** Held for the later parts of the submit it came with (see `openSubmit`). */
  heldForParts: boolean;
  /** For a constant whose data was uploaded to governors: that content. */
  content: ContentEntry | null;
}

/** Server-side state of a session. */
export interface SessionState {
  /** Session id. */
  id: number;
  /** Name shown in the dashboard. */
  name: string;
  /** The owning client connection. */
  client: ClientLink;
  /** Lifecycle. */
  state: "open" | "failed" | "closed";
  /** The error that failed the session. */
  error: string;
  /** Tasks by session-local number (without the archived ones). */
  tasks: Map<number, TaskNode>;
  /** Objects by session-local number (without the archived ones). */
  objects: Map<number, ObjectNode>;
  /** Finished tasks and freed objects that lineage no longer needs (see `archive.ts`). */
  archive: Archive;
  /** Submitted tasks not finished. */
  unfinished: number;
  /**
   * Objects of a submit whose last part has not arrived yet: later parts may
   * use them, so they are held (one extra consumer) until it does.
   */
  openSubmit: ObjectNode[] | null;
  /** Pending `waitAll` callers. */
  allWaiters: Waiter[];
  /** Every pending waiter, to fail them together. */
  waiters: Set<Waiter>;
}

/**
 * Names a task for error messages: `task "name" (3/7)` or `concat task 3/7`.
 *
 * @param t The task.
 * @returns The description.
 */
export function describeTask(t: TaskNode): string {
  const id = `${t.spec.id[0]}/${t.spec.id[1]}`;
  return t.spec.name
    ? `Task "${t.spec.name}" (${t.spec.taskType} ${id})`
    : `Task ${t.spec.taskType} ${id}`;
}
