/**
 * What the client's factories, tasks and data objects need from a session
 * but users must not see: `session.ts` provides these operations as its
 * class is defined, from inside the class (so they reach its private
 * state), and `mod.ts` never re-exports this module, so none of them is in
 * the public types.
 *
 * @module
 */
import type { DataInstance } from "../common/data_instance.ts";
import type { DataObject } from "./data_object.ts";
import type { Connection } from "./connection.ts";
import type { Session } from "./session.ts";
import type { Task } from "./task.ts";

/** The internal operations on a session. */
export interface SessionInternal {
  /** Makes a session on a connection (users call `client.newSession()`). */
  open(conn: Connection, name: string): Session;
  /** Allocates the next session-local number (for factories). */
  nextNumber(s: Session): number;
  /** Registers a new, unsubmitted task (for factories). */
  addTask(s: Session, t: Task): void;
  /** Registers a new, unsubmitted object (for factories). */
  addObject(s: Session, o: DataObject): void;
  /**
   * Throws when the session is closed or has failed (for uses that need no
   * server round trip).
   */
  checkUsable(s: Session): void;
  /** Pushes the session on the active stack (for `newSession`). */
  activate(s: Session): void;
  /** Refreshes tasks and objects (behind `update()`). */
  update(s: Session, tasks: Task[], objects: DataObject[]): Promise<void>;
  /** Stops keeping objects (behind `unkeep()`). */
  unkeep(s: Session, objects: DataObject[]): Promise<void>;
  /** Fetches an object's data (behind `fetch()`). */
  fetch(s: Session, o: DataObject): Promise<DataInstance>;
}

/** The internal operations, set once `session.ts` is loaded. */
export let sessionInternal: SessionInternal;

/**
 * Called once by `session.ts` with its operations.
 *
 * @param ops The operations.
 */
export function provideSessionInternal(ops: SessionInternal): void {
  sessionInternal = ops;
}
