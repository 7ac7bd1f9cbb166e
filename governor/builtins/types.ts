/**
 * The contract of a built-in task running inside the governor.
 *
 * @module
 */
import type { DataType } from "../../common/attributes.ts";
import type { AssignedTask } from "../../protocol/governor.ts";
import type { ObjectStore, StoredObject } from "../store.ts";
import type { FsRoots } from "../fs_roots.ts";

/** What a built-in gets to run one task. */
export interface BuiltinContext {
  /** The task as assigned by the server. */
  task: AssignedTask;
  /** The input objects in order, all present in the store. */
  inputs: StoredObject[];
  /** The governor's store (for reading input bytes and file paths). */
  store: ObjectStore;
  /** Aborted when the task's session stops. */
  signal: AbortSignal;
  /** Task-info extras the built-in may set; reported whether the task finishes or fails. */
  info: { debug: string; user: Record<string, unknown> };
  /** The governor's id (`host:port`). */
  governor: string;
  /** Where `load`, `loadDir` and `store` may act. */
  fsRoots: FsRoots;
}

/**
 * One output produced by a built-in: fresh bytes, an object to forward, or a
 * file/directory to copy (or, with `move`, to move) into the store.
 */
export type BuiltinOutput =
  & (
    | { data: Uint8Array; contentType?: string }
    | { forward: StoredObject }
    | { file: string; dataType?: DataType; move?: boolean; contentType?: string }
  )
  & { /** The new object's `info.user`. */ user?: Record<string, unknown> };

/**
 * A built-in task implementation; may finish synchronously. `shutdown`, when
 * present, is called as a governor (identified by its store) stops.
 */
export type Builtin =
  & ((ctx: BuiltinContext) => BuiltinOutput[] | Promise<BuiltinOutput[]>)
  & { shutdown?: (store: ObjectStore) => void };
