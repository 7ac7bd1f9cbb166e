/**
 * Recovery from lost data: when a governor is lost (or an input cannot be
 * fetched from it), tasks it was running are put back, and objects that
 * only it held and that are still needed are recomputed by re-running their
 * producing tasks, recursively through their lineage (objects freed on the
 * way are recomputed too; constants come back from the server's copy, or
 * from their uploaded data on another governor). A session fails only when
 * recomputing is impossible: an uploaded constant whose every copy was lost.
 *
 * @module
 */
import { formatId } from "../common/attributes.ts";
import type { EventLog } from "./events/event_log.ts";
import { taskRequeued } from "./events/node_events.ts";
import type { GovernorLink } from "./governor_link.ts";
import { clearGovernor, removeLocation } from "./locations.ts";
import { append, describeTask, type ObjectNode, type TaskNode } from "./model.ts";
import type { Scheduler } from "./scheduler.ts";

/** Times a task is put back for inputs that could not be fetched before its session fails. */
const MAX_RETRIES = 5;

/** What recovery needs from the coordinator. */
export interface RecoveryHost {
  /** The scheduler, to queue tasks again. */
  scheduler: Scheduler;
  /** The event stream (tasks put back are emitted). */
  events: EventLog;
  /** Fails a session with an error. */
  failSession(s: TaskNode["session"], error: string): void;
}

/** Thrown inside recovery when an object cannot be recomputed. */
class Unrecoverable extends Error {}

/**
 * Handles a lost governor: its running tasks are put back and the needed
 * objects only it held are recomputed.
 *
 * @param host The coordinator.
 * @param g The lost governor (already removed from the scheduler).
 */
export function recoverGovernor(host: RecoveryHost, g: GovernorLink): void {
  const lost = clearGovernor(g).filter((o) => isLost(o) && (o.keep || o.consumers > 0));
  const tasks = [...g.tasks];
  for (const t of tasks) g.release(t);
  for (const t of tasks) guard(host, t.session, () => rerun(host, t));
  for (const o of lost) {
    guard(host, o.session, () => recompute(host, o, `was lost with governor ${g.id}`));
  }
}

/**
 * Handles a task whose input could not be fetched from a governor: that
 * copy is dropped, the input recomputed if it was the last, and the task
 * put back.
 *
 * @param host The coordinator.
 * @param t The task (assigned, its governor reported the failure).
 * @param o The input that could not be fetched.
 * @param source The governor it was to be fetched from.
 * @param error The fetch error, used if the task has been retried too often.
 */
export function recoverInput(
  host: RecoveryHost,
  t: TaskNode,
  o: ObjectNode,
  source: GovernorLink | undefined,
  error: string,
): void {
  t.governor?.release(t);
  if (++t.retries > MAX_RETRIES) {
    host.failSession(t.session, `${describeTask(t)} failed: ${error}`);
    return;
  }
  if (source) {
    removeLocation(o, source);
    // Sent at once, not with the turn's frees: a recompute may put the object back there.
    source.send({ type: "free", session: o.spec.id[0], ns: [o.spec.id[1]] });
  }
  guard(host, t.session, () => {
    if (isLost(o)) recompute(host, o, `could not be fetched (${error})`);
    rerun(host, t);
  });
}

/**
 * Handles a copy of an object found corrupt by a client fetching it (its
 * bytes did not match its hash): that copy is dropped, and the object is
 * recomputed if it was the last.
 *
 * @param host The coordinator.
 * @param o The object.
 * @param holder The governor whose copy is corrupt.
 * @param error What the client found.
 * @returns `""`, or why the object cannot be had again (its session failed then).
 */
export function recoverCorruptCopy(
  host: RecoveryHost,
  o: ObjectNode,
  holder: GovernorLink,
  error: string,
): string {
  if (holder.objects.has(o)) {
    removeLocation(o, holder);
    holder.send({ type: "free", session: o.spec.id[0], ns: [o.spec.id[1]] });
  }
  if (!isLost(o)) return "";
  return guard(
    host,
    o.session,
    () => recompute(host, o, `was corrupt on governor ${holder.id} (${error})`),
  );
}

/** Runs a recovery step; an unrecoverable object fails its session. Returns that error, or `""`. */
function guard(host: RecoveryHost, s: TaskNode["session"], f: () => void): string {
  try {
    f();
    return "";
  } catch (e) {
    if (!(e instanceof Unrecoverable)) throw e;
    host.failSession(s, e.message);
    return e.message;
  }
}

function isLost(o: ObjectNode): boolean {
  return o.state === "finished" && o.locations.length === 0 && !o.data;
}

/**
 * Makes a lost object "waiting" again and re-runs its producer.
 *
 * @param why How it was lost, for the error when it has no producer
 *   (`"was lost with governor …"`).
 */
function recompute(host: RecoveryHost, o: ObjectNode, why: string): void {
  const p = o.producer;
  if (!p) {
    throw new Unrecoverable(
      `Object ${formatId(o.spec.id)} ${why} and has no producer to recompute it`,
    );
  }
  o.state = "waiting";
  for (const c of o.consumerTasks) {
    // Consumers not started yet wait for the object again.
    if ((c.state === "ready" || c.state === "waiting") && !o.dependents.includes(c)) {
      c.state = "waiting";
      c.waitingFor++;
      o.dependents = append(o.dependents, c);
    }
  }
  rerun(host, p);
}

/** Puts a task back to be run (again), waiting for inputs being recomputed. */
function rerun(host: RecoveryHost, t: TaskNode): void {
  if (t.session.state !== "open" || t.state === "waiting" || t.state === "ready") return;
  const wasFinished = t.state === "finished";
  if (wasFinished) t.session.unfinished++;
  // A producer still running elsewhere is re-run from scratch; its report will be ignored.
  if (t.state === "assigned" || t.state === "running") t.governor?.release(t);
  t.state = "waiting";
  t.governor = null;
  t.waitingFor = 0;
  host.events.emit(taskRequeued(t, wasFinished ? "recompute a lost output" : "retry"));
  for (const o of t.outputs) if (isLost(o)) o.state = "waiting";
  for (const i of t.inputs) {
    if (wasFinished) {
      i.consumers++; // it needs the input again
      if (!i.consumerTasks.includes(t)) i.consumerTasks = append(i.consumerTasks, t);
    }
    if (i.state === "removed") revive(host, i, t);
    else if (isLost(i)) recompute(host, i, "was lost");
    if (i.state !== "finished" && !i.dependents.includes(t)) {
      t.waitingFor++;
      i.dependents = append(i.dependents, t);
    }
  }
  if (t.waitingFor === 0) host.scheduler.enqueue(t);
}

/**
 * Brings back an object that was freed: a constant from the server's copy or
 * from the governors its uploaded data is bound on, else by recomputing it.
 */
function revive(host: RecoveryHost, o: ObjectNode, forTask: TaskNode): void {
  if (o.data || (o.content && o.locations.length > 0)) {
    o.state = "finished";
    return;
  }
  if (!o.producer) {
    throw new Unrecoverable(
      `Cannot recompute ${describeTask(forTask)}: its input object ${formatId(o.spec.id)} is gone`,
    );
  }
  recompute(host, o, "was freed");
}
