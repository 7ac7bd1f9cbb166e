/**
 * Gives memory back when the server goes idle after a burst of tasks.
 *
 * The nodes of a large submit's tasks live for seconds (until each task
 * finishes and is archived, `archive.ts`), long enough to be promoted to
 * V8's old generation, which V8 then lets grow to a few times what is live
 * before it collects it. After a burst the heap therefore holds hundreds of
 * MB of dead nodes, which V8 gives back only after seconds of idleness (its
 * memory reducer): the server's resident memory stayed at about 500 MB per
 * 1,000,000 finished tasks, of which about 150 MB is what it keeps of them.
 * So once no open session has an unfinished task, after enough tasks that
 * the process grew noticeably, the server runs one full collection at once,
 * before it answers the waiters of the burst. It costs about 0.1 s (V8
 * collects twice, with a few tens of MB live), at most once per
 * {@linkcode IDLE_COLLECTION_TASKS} tasks, when there is no work to delay:
 * about 2% of the 5 s those tasks take at 20,000 tasks/s.
 *
 * @module
 */
import type { EventLog } from "./events/event_log.ts";
import type { SessionState } from "./model.ts";

/** Tasks submitted since the last look before an idle server looks at its memory. */
export const IDLE_COLLECTION_TASKS = 100_000;

/** Growth of the resident memory since the last collection that makes an idle server collect. */
export const IDLE_COLLECTION_BYTES = 64 * 1024 * 1024;

/** What the idle collection needs from its host. */
export interface IdleCollectionOptions {
  /** The open sessions (the coordinator's). */
  sessions: ReadonlyMap<number, SessionState>;
  /** Runs a full garbage collection (`runtime.collectGarbage`). */
  collect(): void;
  /** The process's resident memory in bytes (`runtime.residentMemory`). */
  residentMemory(): number;
  /** @default {IDLE_COLLECTION_TASKS} */
  minTasks?: number | undefined;
  /** @default {IDLE_COLLECTION_BYTES} */
  minGrowth?: number | undefined;
}

/**
 * Collects garbage whenever the server goes idle (a session's last task
 * finished and no open session has an unfinished one) after at least
 * `minTasks` tasks were submitted and the resident memory grew by at least
 * `minGrowth` bytes since the last collection.
 *
 * @param events The server's event stream (`session:submitted` and
 *   `session:finished` are followed).
 * @param options The sessions, the collector, the memory reading, thresholds.
 * @returns A function that stops following the events.
 *
 * @example
 * ```ts ignore
 * const stop = collectWhenIdle(coordinator.events, {
 *   sessions: coordinator.sessions,
 *   collect: runtime.collectGarbage!,
 *   residentMemory: runtime.residentMemory,
 * });
 * ```
 */
export function collectWhenIdle(events: EventLog, options: IdleCollectionOptions): () => void {
  const { sessions, collect, residentMemory } = options;
  const minTasks = options.minTasks ?? IDLE_COLLECTION_TASKS;
  const minGrowth = options.minGrowth ?? IDLE_COLLECTION_BYTES;
  let submitted = 0;
  let base = residentMemory();
  return events.on((e) => {
    if (e.type === "session:submitted") {
      submitted += e.tasks.length;
      return;
    }
    // Cheap tests first: a round trip of one task ends in `session:finished` too.
    if (e.type !== "session:finished" || submitted < minTasks) return;
    for (const s of sessions.values()) if (s.state === "open" && s.unfinished > 0) return;
    submitted = 0;
    if (residentMemory() - base < minGrowth) return;
    collect();
    base = residentMemory();
  });
}
