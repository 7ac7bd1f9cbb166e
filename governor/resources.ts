/**
 * What a governor's built-in tasks work with, made once per governor and
 * handed to every task in its context (no per-governor state hides in
 * module-level maps): the store, the executor pool of remote functions, the
 * working directories of `execute` tasks, and the limits.
 *
 * @module
 */
import { ExecutorPool } from "./executor_pool.ts";
import { MEMORY_LIMIT, ObjectStore } from "./store.ts";
import { TaskDirs } from "./task_dirs.ts";
import type { FsRoots } from "./fs_roots.ts";

/** A governor's limits. */
export interface GovernorLimits {
  /** Largest blob kept in memory, in bytes; larger ones are files in the work dir. */
  inMemoryBytes: number;
  /** Heap limit of each executor process (remote functions) in MB; V8's default when absent. */
  executorMemoryMb?: number;
}

/** A governor's resources. */
export interface GovernorResources {
  /** The governor's id (`host:port` of its data server). */
  readonly address: string;
  /** Its object store. */
  readonly store: ObjectStore;
  /** Its executor processes for remote functions (started on first use). */
  readonly executors: ExecutorPool;
  /** Working directories of `execute` tasks. */
  readonly taskDirs: TaskDirs;
  /** Its limits. */
  readonly limits: Readonly<GovernorLimits>;
  /** Where `load`, `loadDir` and `store` may act. */
  readonly fsRoots: FsRoots;
}

/**
 * Makes a governor's store, with its directories, for the given limits.
 *
 * @param workDir The governor's work directory.
 * @param executorMemoryMb The executors' heap limit in MB, if any.
 * @returns The store, its directories created.
 */
export async function openStore(workDir: string, executorMemoryMb?: number): Promise<ObjectStore> {
  const limits: GovernorLimits = { inMemoryBytes: MEMORY_LIMIT };
  if (executorMemoryMb !== undefined) limits.executorMemoryMb = executorMemoryMb;
  const store = new ObjectStore(workDir, limits);
  await store.init();
  return store;
}

/**
 * Makes the rest of a governor's resources around its store.
 *
 * @param store The store (from {@linkcode openStore}).
 * @param address The governor's `host:port`.
 * @param fsRoots Where `load`, `loadDir` and `store` may act.
 * @returns The resources; close them with {@linkcode closeResources}.
 */
export function governorResources(
  store: ObjectStore,
  address: string,
  fsRoots: FsRoots,
): GovernorResources {
  return {
    address,
    store,
    executors: new ExecutorPool(store.tasksDir, { memoryMb: store.limits.executorMemoryMb }),
    taskDirs: new TaskDirs(store.tasksDir),
    limits: store.limits,
    fsRoots,
  };
}

/**
 * Stops what a governor's resources run (its executor processes).
 *
 * @param resources The resources.
 * @returns Resolves once the executors exited.
 */
export function closeResources(resources: GovernorResources): Promise<void> {
  return resources.executors.close();
}
