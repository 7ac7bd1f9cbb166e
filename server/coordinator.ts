/**
 * The coordinator: owns every session's graph, reacts to submits and to
 * governor reports, schedules ready tasks and frees objects nobody needs.
 *
 * @module
 */
import {
  formatId,
  type Id,
  NO_USER,
  type ObjectInfo,
  type TaskInfo,
  type TaskSpec,
} from "../common/attributes.ts";
import { RainError } from "../common/errors.ts";
import {
  type AssignedTask,
  type FinishedInfo,
  type LostInput,
  type OutputReport,
  type PackedTask,
  reportsData,
  type ServerToGovernorMessage,
} from "../protocol/governor.ts";
import {
  recoverCorruptCopy,
  recoverGovernor,
  recoverInput,
  type RecoveryHost,
} from "./recovery.ts";
import type { SubmitObject } from "../protocol/client.ts";
import type { ClientLink } from "./client_link.ts";
import type { GovernorLink } from "./governor_link.ts";
import {
  addWaiter,
  append,
  describeTask,
  EMPTY,
  notifyWaiters,
  type ObjectNode,
  type SessionState,
  type TaskNode,
  type Waiter,
} from "./model.ts";
import { Scheduler } from "./scheduler.ts";
import { buildSubmit } from "./submit.ts";
import { EventLog } from "./events/event_log.ts";
import * as ev from "./events/node_events.ts";
import { type ContentEntry, ContentIndex } from "./contents.ts";
import type { DataType } from "../common/attributes.ts";

/** How long uploaded constant data no constant uses stays on its governor, by default. */
export const CONTENT_RETENTION_MS = 30 * 60 * 1000;

/** The server's state and the rules that change it. */
export class Coordinator {
  /** Open sessions by id. */
  readonly sessions: Map<number, SessionState> = new Map();
  /** The event stream: every state change below emits one event. */
  readonly events: EventLog;
  /** The scheduler, with the connected governors. */
  readonly scheduler: Scheduler;
  #nextSession = 1;
  readonly #recovery: RecoveryHost;
  #scheduleQueued = false;
  /** Uploaded constant data held by the governors. */
  readonly contents: ContentIndex;

  /**
   * @param events The event stream to emit to. @default {new EventLog()}
   * @param options `contentRetentionMs`: how long uploaded constant data that
   *   no constant uses stays on its governor for later submits.
   */
  constructor(events: EventLog = new EventLog(), options: { contentRetentionMs?: number } = {}) {
    this.events = events;
    this.contents = new ContentIndex(options.contentRetentionMs ?? CONTENT_RETENTION_MS);
    this.scheduler = new Scheduler(events);
    this.#recovery = {
      scheduler: this.scheduler,
      events,
      release: (t) => this.#release(t),
      failSession: (s, e) => this.failSession(s, e),
    };
  }

  /**
   * Opens a session for a client.
   *
   * @param client The owning client.
   * @param name The session's name.
   * @returns The new session.
   */
  newSession(client: ClientLink, name: string): SessionState {
    const s: SessionState = {
      id: this.#nextSession++,
      name,
      client,
      state: "open",
      error: "",
      tasks: new Map(),
      objects: new Map(),
      unfinished: 0,
      openSubmit: null,
      allWaiters: [],
      waiters: new Set(),
    };
    this.sessions.set(s.id, s);
    this.events.emit({ type: "session:opened", session: s.id, name, client: client.address });
    return s;
  }

  /**
   * Looks up a session a client may use.
   *
   * @param client The asking client.
   * @param id The session id.
   * @returns The session, open.
   * @throws {RainError} When the session is unknown, closed or failed.
   */
  session(client: ClientLink, id: number): SessionState {
    const s = this.sessions.get(id);
    if (!s || s.client !== client) throw new RainError(`Session ${id} is not open`, "NO_SESSION");
    if (s.state === "failed") throw new RainError(s.error, "SESSION_FAILED");
    return s;
  }

  /**
   * Adds a submitted graph to a session and schedules what is ready.
   *
   * @param s The session.
   * @param taskSpecs The tasks.
   * @param objectDefs The objects.
   * @param more Whether more parts of this submit follow: its objects are
   *   held until the last part arrives.
   */
  submit(s: SessionState, taskSpecs: TaskSpec[], objectDefs: SubmitObject[], more = false): void {
    const { tasks, objects } = buildSubmit(
      s,
      taskSpecs,
      objectDefs,
      this.scheduler.maxCpus,
      this.contents,
      s.client.contentHits,
    );
    this.events.emit(ev.sessionSubmitted(s, taskSpecs, objectDefs));
    for (const o of objects) {
      s.objects.set(o.spec.id[1], o);
      if (o.content) this.#bindContent(o, o.content);
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
        // A freed constant comes back: its data is still here (see #maybeFree).
        if (o.state === "removed" && !o.producer && o.data) o.state = "finished";
        o.consumers++;
        o.consumerTasks = append(o.consumerTasks, t);
        if (o.state !== "finished") {
          t.waitingFor++;
          o.dependents = append(o.dependents, t);
        }
      }
    }
    for (const t of tasks) if (t.waitingFor === 0) this.scheduler.enqueue(t);
    if (!more) {
      for (const o of objects) this.#maybeFree(o);
      if (s.openSubmit) {
        for (const o of s.openSubmit) {
          o.consumers--;
          o.heldForParts = false;
          this.#maybeFree(o);
        }
        s.openSubmit = null;
      }
    }
    this.schedule();
  }

  /** Runs the scheduler once at the end of the current turn. */
  schedule(): void {
    if (this.#scheduleQueued) return;
    this.#scheduleQueued = true;
    queueMicrotask(() => {
      this.#scheduleQueued = false;
      this.scheduler.run(
        (t, g) => this.#assign(t, g),
        (t, max) =>
          this.failSession(
            t.session,
            `${
              describeTask(t)
            } needs ${t.spec.resources.cpus} cpus but the largest governor has ${max}`,
          ),
      );
    });
  }

  /** Binds a submitted constant to its uploaded data; a constant whose data was there already is a hit. */
  #bindContent(o: ObjectNode, e: ContentEntry): void {
    this.contents.bind(o, e);
    if (o.state !== "finished" || !o.session.client.contentHits.has(`${e.dataType}:${e.hash}`)) {
      return;
    }
    const [session, object] = o.spec.id;
    const { hash, size } = e, governor = e.holders[0]!.id;
    this.events.emit({ type: "content:hit", session, object, governor, hash, size });
  }

  /**
   * Handles a governor's report that an upload of constant data arrived:
   * constants submitted while it was on its way are finished.
   *
   * @param g The governor.
   * @param hash The data's content hash.
   * @param dataType Its data type.
   * @param size Its size.
   */
  contentHeld(g: GovernorLink, hash: string, dataType: DataType, size: number): void {
    this.events.emit({ type: "content:uploaded", governor: g.id, hash, dataType, size });
    for (const o of this.contents.held(g, hash, dataType, size)) {
      for (const d of o.dependents) if (--d.waitingFor === 0) this.scheduler.enqueue(d);
      o.dependents = EMPTY;
      notifyWaiters(o.session, o.waiters);
      o.waiters = null;
      this.#maybeFree(o);
    }
    this.schedule();
  }

  #assign(t: TaskNode, g: GovernorLink): void {
    t.state = "assigned";
    t.governor = g;
    g.tasks.add(t);
    this.events.emit(ev.taskAssigned(t, g));
    if (t.spec.taskType === "remote") this.#assignRemote(t, g);
    else g.send({ type: "run", task: this.#pack(t, g) });
  }

  /** Packs a built-in task for `g`, with the data of small inputs it lacks (see `PackedTask`). */
  #pack(t: TaskNode, g: GovernorLink): PackedTask {
    const spec = t.spec;
    const p: PackedTask = [
      spec.id[0],
      spec.id[1],
      spec.taskType,
      spec.config,
      spec.resources.cpus,
      t.inputs.length,
    ];
    for (let i = 0; i < t.inputs.length; i++) {
      const o = t.inputs[i]!;
      const n = o.spec.id[1];
      const label = spec.inputs[i]!.label;
      const given = this.#handOver(o, g, true);
      if (typeof given === "string") p.push(n, label, given, null, "");
      else p.push(n, label, "", given, o.spec.contentType);
    }
    for (const o of t.outputs) {
      p.push(o.spec.id[1], o.spec.label, o.spec.contentType, o.spec.dataType, o.keep);
    }
    return p;
  }

  /**
   * Gets an input to the governor about to run a task: nothing to do when it
   * holds the object; when the server has the data, the governor now holds it
   * (sent in a `put` message, or returned for a blob to go inline); else the
   * governor fetches it from a holder.
   *
   * @param o The input object.
   * @param g The governor.
   * @param inline Whether a blob's data may travel inside the task.
   * @returns The data to inline, or the holder to fetch from (`""` when none is needed).
   */
  #handOver(o: ObjectNode, g: GovernorLink, inline: boolean): Uint8Array | string {
    if (o.locations.includes(g)) return "";
    if (!o.data) return this.#transfer(o, g);
    g.hold(o);
    if (inline && o.spec.dataType === "blob") return o.data;
    g.send(putMessage(o));
    return "";
  }

  /** Names the governor that `g` fetches an object from (`""` when none holds it). */
  #transfer(o: ObjectNode, g: GovernorLink): string {
    const from = o.locations[0]?.id ?? "";
    if (from) this.events.emit(ev.objectTransferred(o, from, g));
    return from;
  }

  /** Assigns a remote-function task: its executor hands full specs (and input specs) to user code. */
  #assignRemote(t: TaskNode, g: GovernorLink): void {
    let sources: string[] | undefined;
    for (let i = 0; i < t.inputs.length; i++) {
      const source = this.#handOver(t.inputs[i]!, g, false);
      if (typeof source !== "string" || !source) continue;
      sources ??= new Array<string>(t.inputs.length).fill("");
      sources[i] = source;
    }
    const task: AssignedTask = {
      spec: t.spec,
      outputs: t.outputs.map((o) => o.spec),
      inputs: t.inputs.map((o) => o.spec),
    };
    if (sources) task.sources = sources;
    if (t.outputs.some((o) => o.keep)) task.keep = t.outputs.map((o) => o.keep);
    g.send({ type: "assign", task });
  }

  /**
   * Handles a governor's report that a task started.
   *
   * @param g The governor.
   * @param id The task id.
   * @param startTime When it started (epoch ms).
   */
  started(g: GovernorLink, id: Id, startTime: number): void {
    const t = this.#runningTask(g, id);
    if (!t) return;
    t.state = "running";
    t.info = { error: "", startTime, duration: 0, governor: g.id, debug: "", user: {} };
    this.events.emit(ev.taskStarted(t, g, startTime));
  }

  /**
   * Handles a governor's report that a task finished.
   *
   * @param g The governor.
   * @param id The task id.
   * @param info The task's info.
   * @param outputs What the governor reports of each output.
   */
  finished(g: GovernorLink, id: Id, finished: FinishedInfo, outputs: OutputReport[]): void {
    const t = this.#runningTask(g, id);
    if (!t) {
      // A task of a closed or failed session: drop what it made.
      for (const o of outputs) g.send({ type: "free", session: o.id[0], ns: [o.id[1]] });
      return;
    }
    const info: TaskInfo = {
      error: "",
      startTime: finished.startTime,
      duration: finished.duration,
      governor: g.id,
      debug: finished.debug ?? "",
      user: finished.user ?? NO_USER,
    };
    if (outputs.length !== t.outputs.length) {
      this.failed(g, id, {
        ...info,
        error: `Governor reported ${outputs.length} outputs, expected ${t.outputs.length}`,
      });
      return;
    }
    this.#release(t);
    t.state = "finished";
    t.info = info;
    const s = t.session;
    this.events.emit(ev.taskFinished(t, g, info));
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
      g.hold(o);
      for (const d of o.dependents) if (--d.waitingFor === 0) this.scheduler.enqueue(d);
      o.dependents = EMPTY;
      notifyWaiters(s, o.waiters);
      o.waiters = null;
    }
    for (const o of t.inputs) {
      o.consumers--;
      this.#maybeFree(o);
    }
    for (const o of t.outputs) this.#maybeFree(o);
    notifyWaiters(s, t.waiters);
    t.waiters = null;
    if (--s.unfinished === 0) {
      this.events.emit({ type: "session:finished", session: s.id });
      for (const w of s.allWaiters) {
        s.waiters.delete(w);
        w.done();
      }
      s.allWaiters = [];
    }
    this.schedule();
  }

  /**
   * Handles a governor's report that a task failed: the session fails.
   *
   * @param g The governor.
   * @param id The task id.
   * @param info The task's info, with the error.
   * @param lostInput The input that could not be fetched, when that was the failure.
   */
  failed(g: GovernorLink, id: Id, info: TaskInfo, lostInput?: LostInput): void {
    const t = this.#runningTask(g, id);
    if (!t) return;
    const lost = lostInput &&
      t.inputs.find((o) => o.spec.id[0] === lostInput.id[0] && o.spec.id[1] === lostInput.id[1]);
    if (lost) {
      const source = this.scheduler.governors.find((x) => x.id === lostInput.source);
      recoverInput(this.#recovery, t, lost, source, info.error);
      this.schedule();
      return;
    }
    this.#release(t);
    t.state = "failed";
    t.info = info;
    this.events.emit(ev.taskFailed(t, g, info));
    for (const o of t.outputs) {
      o.state = "failed";
      o.info = { error: info.error, size: 0, contentType: "", hash: "", debug: "", user: {} };
    }
    this.failSession(t.session, `${describeTask(t)} failed: ${info.error}`);
  }

  /**
   * Fails a session: stops its tasks everywhere, frees its objects and
   * answers every waiter (and every later request) with the error.
   *
   * @param s The session.
   * @param error The error, naming the failing task.
   */
  failSession(s: SessionState, error: string): void {
    if (s.state !== "open") return;
    s.state = "failed";
    s.error = error;
    this.#stop(s, error, "SESSION_FAILED");
    this.events.emit({ type: "session:failed", session: s.id, error });
  }

  /**
   * Closes a session (idempotent) and forgets it.
   *
   * @param s The session.
   */
  closeSession(s: SessionState): void {
    if (s.state === "open") this.#stop(s, `Session ${s.id} was closed`, "SESSION_CLOSED");
    s.state = "closed";
    this.sessions.delete(s.id);
    this.events.emit({ type: "session:closed", session: s.id });
  }

  #stop(s: SessionState, message: string, code: string): void {
    for (const g of this.scheduler.governors) g.send({ type: "stopSession", session: s.id });
    for (const t of s.tasks.values()) {
      if (t.state === "assigned" || t.state === "running") this.#release(t);
    }
    for (const o of s.objects.values()) {
      for (const g of o.locations) g.drop(o);
      o.locations = EMPTY;
      o.data = null;
      if (o.content) this.contents.release(o.content);
    }
    for (const w of s.waiters) w.fail(message, code);
    s.waiters.clear();
    s.allWaiters = [];
    this.schedule();
  }

  #release(t: TaskNode): void {
    const g = t.governor;
    if (g && g.tasks.delete(t)) g.load -= t.spec.resources.cpus;
  }

  #runningTask(g: GovernorLink, id: Id): TaskNode | undefined {
    const t = this.sessions.get(id[0])?.tasks.get(id[1]);
    if (!t || t.governor !== g || (t.state !== "assigned" && t.state !== "running")) {
      return undefined;
    }
    if (t.session.state !== "open") return undefined;
    return t;
  }

  #maybeFree(o: ObjectNode): void {
    if (o.keep || o.consumers > 0 || o.state !== "finished") return;
    o.state = "removed";
    // The server keeps constants while the session lives, to recompute lost objects from them;
    // an uploaded constant stays bound on its governors (the binding takes no space).
    if (o.producer) o.data = null;
    if (o.content) return;
    for (const g of o.locations) {
      g.drop(o);
      g.freeObject(o);
    }
    o.locations = EMPTY;
  }

  /**
   * Registers a waiter for tasks and objects of a session.
   *
   * @param s The session.
   * @param tasks Tasks to wait for.
   * @param objects Objects to wait for.
   * @param w The waiter (its `remaining` is set here).
   */
  wait(s: SessionState, tasks: TaskNode[], objects: ObjectNode[], w: Waiter): void {
    w.remaining = 0;
    for (const t of tasks) {
      if (t.state !== "finished") {
        w.remaining++;
        t.waiters = addWaiter(t.waiters, w);
      }
    }
    for (const o of objects) {
      if (o.state === "waiting") {
        w.remaining++;
        o.waiters = addWaiter(o.waiters, w);
      }
    }
    if (w.remaining === 0) return w.done();
    s.waiters.add(w);
  }

  /**
   * Registers a waiter for every task of a session.
   *
   * @param s The session.
   * @param w The waiter.
   */
  waitAll(s: SessionState, w: Waiter): void {
    if (s.unfinished === 0) return w.done();
    w.remaining = 1;
    s.allWaiters.push(w);
    s.waiters.add(w);
  }

  /**
   * Stops keeping an object; frees it when nothing else needs it.
   *
   * @param o The object.
   */
  unkeep(o: ObjectNode): void {
    o.keep = false;
    this.#maybeFree(o);
  }

  /**
   * Registers a governor and schedules waiting work on it.
   *
   * @param g The governor.
   */
  addGovernor(g: GovernorLink): void {
    this.events.emit({ type: "governor:joined", governor: g.id, cpus: g.cpus });
    this.scheduler.addGovernor(g);
    this.schedule();
  }

  /**
   * Handles a governor that went away: its tasks are put back and the
   * needed objects only it held are recomputed elsewhere.
   *
   * @param g The governor.
   * @param reason Why it is gone.
   */
  removeGovernor(g: GovernorLink, reason: string): void {
    if (g.lost) return;
    g.lost = true;
    this.events.emit({ type: "governor:lost", governor: g.id, reason });
    this.scheduler.removeGovernor(g);
    for (const o of this.contents.governorLost(g)) {
      this.failSession(
        o.session,
        `Constant ${formatId(o.spec.id)} cannot be had: governor ${g.id} was lost ` +
          "before its uploaded data arrived",
      );
    }
    recoverGovernor(this.#recovery, g);
    this.schedule();
  }

  /**
   * Declares governors lost that have not been heard from for too long.
   *
   * @param timeoutMs Silence after which a governor is lost.
   */
  checkHeartbeats(timeoutMs: number): void {
    const now = Date.now();
    for (const { g, hash, dataType } of this.contents.sweep(now)) {
      g.send({ type: "dropContent", hash, dataType });
    }
    for (const g of [...this.scheduler.governors]) {
      if (now - g.lastSeen <= timeoutMs) continue;
      this.removeGovernor(g, `no heartbeat for ${now - g.lastSeen} ms`);
      g.close();
    }
  }

  /**
   * Handles a client's report that an object's copy on a governor does not
   * match its hash: the copy is dropped, and the object recomputed when it
   * was the last one.
   *
   * @param o The object.
   * @param location The governor (`host:port`) the corrupt bytes came from.
   * @param error What the client found.
   * @returns `""`, or why the object cannot be had again (its session failed).
   */
  corruptCopy(o: ObjectNode, location: string, error: string): string {
    const g = this.scheduler.governors.find((x) => x.id === location);
    const failed = g ? recoverCorruptCopy(this.#recovery, o, g, error) : "";
    this.schedule();
    return failed;
  }

  /**
   * Describes an object for a fetch: its data, or a governor holding it.
   *
   * @param o A finished object.
   * @returns Info and data or location.
   * @throws {RainError} When the data is gone.
   */
  fetchable(o: ObjectNode): { info: ObjectInfo; data?: Uint8Array; location?: string } {
    const info = o.info!;
    if (o.data) return { info, data: o.data };
    const g = o.locations[0];
    if (!g) throw new RainError(`Object ${formatId(o.spec.id)} has no data left`, "REMOVED");
    return { info, location: g.id };
  }
}

/** The `put` message handing a governor an object's data (default fields left out). */
function putMessage(o: ObjectNode): Extract<ServerToGovernorMessage, { type: "put" }> {
  const { id, contentType, dataType } = o.spec;
  const m: Extract<ServerToGovernorMessage, { type: "put" }> = { type: "put", id, data: o.data! };
  if (contentType) m.contentType = contentType;
  if (dataType !== "blob") m.dataType = dataType;
  if (o.info?.hash) m.hash = o.info.hash;
  return m;
}
