/**
 * The transitions of a session's graph: a submit adds tasks and objects, a
 * finished task finishes its outputs and readies its dependents, a failed
 * task fails its outputs, a stopped session lets go of everything, and an
 * object nobody needs any more is freed. Counters of unfinished inputs per
 * task and unfinished consumers per object make each transition cost only
 * the edges it touches.
 *
 * @module
 */
import {
  type DataType,
  isEmptyRecord,
  NO_USER,
  type TaskInfo,
  type TaskSpec,
} from "../common/attributes.ts";
import type { SubmitObject } from "../protocol/client.ts";
import { reportsData } from "../protocol/governor.ts";
import type { OutputReport } from "../protocol/packed_report.ts";
import type { ContentEntry, ContentIndex } from "./contents.ts";
import type { EventLog } from "./events/event_log.ts";
import { sessionSubmitted, taskFailed, taskFinished } from "./events/node_events.ts";
import type { GovernorLink } from "./governor_link.ts";
import { addLocation, clearLocations } from "./locations.ts";
import { append, EMPTY, type ObjectNode, type SessionState, type TaskNode } from "./model.ts";
import { buildSubmit } from "./submit.ts";
import { failWaiters, notifyAllDone, notifyWaiters } from "./waiters.ts";

/** What the transitions need from the coordinator. */
export interface GraphContext {
  /** Queues a task whose inputs are all finished (the scheduler's `enqueue`). */
  enqueue(t: TaskNode): void;
  /** The event stream: each transition emits its event. */
  events: EventLog;
  /** Uploaded constant data held by the governors. */
  contents: ContentIndex;
}

/**
 * Adds a submitted graph (or one part of it) to a session and queues the
 * tasks that are ready.
 *
 * @param s The session.
 * @param taskSpecs The tasks.
 * @param objectDefs The objects.
 * @param more Whether more parts of this submit follow: its objects are
 *   held until the last part arrives.
 * @param maxCpus Most cpus of any governor (0 when none is connected yet).
 * @param ctx Queues ready tasks, takes the events.
 * @throws {RainError} When the submit is invalid; nothing is added then.
 */
export function addSubmit(
  s: SessionState,
  taskSpecs: TaskSpec[],
  objectDefs: SubmitObject[],
  more: boolean,
  maxCpus: number,
  ctx: GraphContext,
): void {
  const hits = s.client.contentHits;
  const { tasks, objects } = buildSubmit(s, taskSpecs, objectDefs, maxCpus, ctx.contents, hits);
  ctx.events.emit(sessionSubmitted(s, taskSpecs, objectDefs));
  for (const o of objects) {
    s.objects.set(o.spec.id[1], o);
    if (o.content) bindContent(o, o.content, ctx);
  }
  if (more) {
    s.openSubmit ??= [];
    for (const o of objects) {
      o.consumers++;
      o.heldForParts = true;
      s.openSubmit.push(o);
    }
  }
  for (const t of tasks) {
    s.tasks.set(t.spec.id[1], t);
    s.unfinished++;
    for (const o of t.inputs) {
      // A freed constant comes back: its data is still here, or still bound on its governors
      // (see maybeFree).
      if (o.state === "removed" && !o.producer && (o.data || o.locations.length > 0)) {
        o.state = "finished";
      }
      o.consumers++;
      o.unarchived++;
      o.consumerTasks = append(o.consumerTasks, t);
      if (o.state !== "finished") {
        t.waitingFor++;
        o.dependents = append(o.dependents, t);
      }
    }
  }
  for (const t of tasks) if (t.waitingFor === 0) ctx.enqueue(t);
  if (!more) {
    for (const o of objects) maybeFree(o);
    if (s.openSubmit) {
      for (const o of s.openSubmit) {
        o.consumers--;
        o.heldForParts = false;
        maybeFree(o);
      }
      s.openSubmit = null;
    }
  }
}

/**
 * Finishes a task its governor reported finished: its outputs are finished
 * and held there, its dependents that now have every input are queued,
 * inputs and outputs nobody needs any more are freed, and waiters answered.
 *
 * @param t The task (assigned to `g`, released).
 * @param g The governor that ran it.
 * @param info The task's info.
 * @param outputs What the governor reports of each output (one per output).
 * @param ctx Queues ready tasks, takes the events.
 */
export function finishTask(
  t: TaskNode,
  g: GovernorLink,
  info: TaskInfo,
  outputs: OutputReport[],
  ctx: GraphContext,
): void {
  t.state = "finished";
  t.info = info;
  const s = t.session;
  ctx.events.emit(taskFinished(t, g, info));
  for (let i = 0; i < outputs.length; i++) {
    const o = t.outputs[i]!;
    const report = outputs[i]!;
    o.state = "finished";
    o.info = {
      error: "",
      size: report.size,
      contentType: report.contentType ?? o.spec.contentType,
      hash: report.hash,
      debug: report.debug ?? "",
      user: report.user ?? NO_USER,
    };
    if (report.data && reportsData(report.data.length, o.keep)) o.data = report.data;
    addLocation(o, g);
    for (const d of o.dependents) if (--d.waitingFor === 0) ctx.enqueue(d);
    o.dependents = EMPTY;
    notifyWaiters(s, o.waiters);
    o.waiters = null;
  }
  for (const o of t.inputs) {
    o.consumers--;
    maybeFree(o);
    if (o.consumerTasks.length > 2 * o.consumers + 16) dropFinishedConsumers(o);
  }
  for (const o of t.outputs) maybeFree(o);
  notifyWaiters(s, t.waiters);
  t.waiters = null;
  if (--s.unfinished === 0) {
    ctx.events.emit({ type: "session:finished", session: s.id });
    notifyAllDone(s);
  }
}

/**
 * Drops the finished tasks from an object's consumer list. Only unfinished
 * consumers are ever held back for a recompute (a finished one that runs
 * again adds itself back), while a finished one on the list keeps its node,
 * spec and output nodes from the garbage collector until the object's last
 * consumer finishes: a constant read by the 100,000 tasks of a submit would
 * otherwise keep every one of them, archived or not, to the end of the
 * submit. Called when at least half the list is finished, so each task is
 * looked at a constant number of times.
 *
 * @param o The object.
 */
function dropFinishedConsumers(o: ObjectNode): void {
  const kept = o.consumerTasks.filter((c) => c.state !== "finished");
  o.consumerTasks = kept.length === 0 ? EMPTY : kept;
}

/**
 * Fails a task and its outputs (its session fails next).
 *
 * @param t The task (released).
 * @param g The governor that ran it.
 * @param info The task's info, with the error.
 * @param ctx Takes the event.
 */
export function failTask(t: TaskNode, g: GovernorLink, info: TaskInfo, ctx: GraphContext): void {
  t.state = "failed";
  t.info = info;
  ctx.events.emit(taskFailed(t, g, info));
  for (const o of t.outputs) {
    o.state = "failed";
    o.info = { error: info.error, size: 0, contentType: "", hash: "", debug: "", user: {} };
  }
}

/**
 * Lets go of everything a session holds, as it fails or closes: its tasks
 * are stopped on every governor and their cpus given back, its objects'
 * data dropped, and its waiters answered with the error.
 *
 * @param s The session.
 * @param governors Every connected governor.
 * @param contents The uploaded data its constants are bound to (released).
 * @param message The error for the waiters.
 * @param code Its code.
 */
export function stopSession(
  s: SessionState,
  governors: readonly GovernorLink[],
  contents: ContentIndex,
  message: string,
  code: string,
): void {
  for (const g of governors) g.send({ type: "stopSession", session: s.id });
  for (const t of s.tasks.values()) {
    if (t.state === "assigned" || t.state === "running") t.governor?.release(t);
  }
  for (const o of s.objects.values()) {
    clearLocations(o);
    o.data = null;
    if (o.content) contents.release(o.content);
  }
  failWaiters(s, message, code);
}

/**
 * Frees an object once it is finished, not kept and needed by no unfinished
 * task: every governor holding it is told to free it.
 *
 * @param o The object.
 */
export function maybeFree(o: ObjectNode): void {
  // Every consumer finished: none is to be held back for a recompute, and the list would keep
  // finished (possibly archived) tasks alive.
  if (o.consumers === 0) o.consumerTasks = EMPTY;
  if (o.keep || o.consumers > 0 || o.state !== "finished") return;
  o.state = "removed";
  // The server keeps constants while the session lives, to recompute lost objects from them;
  // an uploaded constant stays bound on its governors (the binding takes no space).
  if (o.producer) o.data = null;
  if (o.content) return;
  for (const g of clearLocations(o)) g.freeObject(o);
  if (o.producer && o.unarchived === 0) archive(o.producer);
}

/**
 * Moves a finished task to its session's archive, with its outputs, once
 * lineage cannot need it: its outputs are all freed and every consumer of
 * them is archived (so no lost object can ask for it to run again). Its
 * inputs' producers may follow.
 *
 * @param first The task.
 */
function archive(first: TaskNode): void {
  const todo = [first];
  for (let t = todo.pop(); t; t = todo.pop()) {
    if (t.state !== "finished" || !archivable(t)) continue;
    const s = t.session;
    if (s.tasks.get(t.spec.id[1]) !== t) continue; // archived already (an input listed twice)
    s.tasks.delete(t.spec.id[1]);
    s.archive.addTask(t.spec.id[1]);
    for (const o of t.outputs) {
      s.objects.delete(o.spec.id[1]);
      s.archive.addObject(o.spec.id[1]);
    }
    for (const i of t.inputs) {
      if (--i.unarchived === 0 && i.producer && i.state === "removed") todo.push(i.producer);
    }
  }
}

function archivable(t: TaskNode): boolean {
  for (const o of t.outputs) {
    if (o.state !== "removed" || o.unarchived > 0) return false;
    // The monitor, which answers for archived objects, keeps no debug log or user values of objects.
    if (o.info!.debug !== "" || !isEmptyRecord(o.info!.user)) return false;
  }
  return true;
}

/**
 * Binds a submitted constant to its uploaded data; a constant whose data a
 * governor held already (the client was told so, and sent nothing) is a hit.
 *
 * @param o The constant.
 * @param e Its content.
 * @param ctx Takes the `content:hit` event.
 */
function bindContent(o: ObjectNode, e: ContentEntry, ctx: GraphContext): void {
  ctx.contents.bind(o, e);
  if (o.state !== "finished" || !o.session.client.contentHits.has(`${e.dataType}:${e.hash}`)) {
    return;
  }
  const [session, object] = o.spec.id;
  const { hash, size } = e, governor = e.holders[0]!.id;
  ctx.events.emit({ type: "content:hit", session, object, governor, hash, size });
}

/**
 * Finishes the constants that were waiting for an upload of their data,
 * which a governor now holds: their dependents that now have every input
 * are queued, waiters answered, and those nobody needs freed.
 *
 * @param g The governor.
 * @param hash The data's content hash.
 * @param dataType Its data type.
 * @param size Its size.
 * @param ctx Queues ready tasks, takes the `content:uploaded` event.
 */
export function contentArrived(
  g: GovernorLink,
  hash: string,
  dataType: DataType,
  size: number,
  ctx: GraphContext,
): void {
  ctx.events.emit({ type: "content:uploaded", governor: g.id, hash, dataType, size });
  for (const o of ctx.contents.held(g, hash, dataType, size)) {
    for (const d of o.dependents) if (--d.waitingFor === 0) ctx.enqueue(d);
    o.dependents = EMPTY;
    notifyWaiters(o.session, o.waiters);
    o.waiters = null;
    maybeFree(o);
  }
}
