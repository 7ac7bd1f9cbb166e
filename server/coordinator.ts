/**
 * The coordinator: the server's state (open sessions, connected governors)
 * and the entry point of every request and report, each handed to the
 * module that owns the concept: graph transitions (`graph.ts`), dispatch
 * to governors (`dispatch.ts`), waiters (`waiters.ts`), recovery of lost
 * data (`recovery.ts`); a governor's load belongs to its `GovernorLink`,
 * object locations to `locations.ts`.
 *
 * @module
 */
import {
  type DataType,
  formatId,
  type Id,
  NO_USER,
  type ObjectInfo,
  type TaskInfo,
  type TaskSpec,
} from "../common/attributes.ts";
import { RainError } from "../common/errors.ts";
import type { SubmitObject } from "../protocol/client.ts";
import type { LostInput } from "../protocol/governor.ts";
import type { FinishedInfo, OutputReport } from "../protocol/packed_report.ts";
import { Archive } from "./archive.ts";
import type { ClientLink } from "./client_link.ts";
import { Dispatch } from "./dispatch.ts";
import type { GovernorLink } from "./governor_link.ts";
import { EventLog } from "./events/event_log.ts";
import { taskStarted } from "./events/node_events.ts";
import {
  addSubmit,
  contentArrived,
  failTask,
  finishTask,
  type GraphContext,
  maybeFree,
  stopSession,
} from "./graph.ts";
import {
  describeTask,
  type ObjectNode,
  type SessionState,
  type TaskNode,
  type Waiter,
} from "./model.ts";
import {
  recoverCorruptCopy,
  recoverGovernor,
  recoverInput,
  type RecoveryHost,
} from "./recovery.ts";
import { ContentIndex } from "./contents.ts";
import { Scheduler } from "./scheduler.ts";
import { wait, waitAll } from "./waiters.ts";

/** The server's state and the rules that change it. */
export class Coordinator {
  /** Open sessions by id. */
  readonly sessions: Map<number, SessionState> = new Map();
  /** The event stream: every state change emits one event. */
  readonly events: EventLog;
  /** The scheduler, with the connected governors. */
  readonly scheduler: Scheduler;
  /** Uploaded constant data held by the governors. */
  readonly contents: ContentIndex;
  readonly #dispatch: Dispatch;
  readonly #graph: GraphContext;
  readonly #recovery: RecoveryHost;
  #nextSession = 1;

  /**
   * @param events The event stream to emit to. @default {new EventLog()}
   * @param options `contentRetentionMs`: how long uploaded constant data that
   *   no constant uses stays on its governor for later submits.
   */
  constructor(
    events: EventLog = new EventLog(),
    options: { contentRetentionMs?: number | undefined } = {},
  ) {
    this.events = events;
    this.contents = new ContentIndex(options.contentRetentionMs);
    this.scheduler = new Scheduler(events);
    this.#dispatch = new Dispatch(this.scheduler, events, (t, max) =>
      this.failSession(
        t.session,
        `${
          describeTask(t)
        } needs ${t.spec.resources.cpus} cpus but the largest governor has ${max}`,
      ));
    this.#graph = { enqueue: (t) => this.scheduler.enqueue(t), events, contents: this.contents };
    this.#recovery = {
      scheduler: this.scheduler,
      events,
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
      archive: new Archive(),
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
    addSubmit(s, taskSpecs, objectDefs, more, this.scheduler.maxCpus, this.#graph);
    this.schedule();
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
    contentArrived(g, hash, dataType, size, this.#graph);
    this.schedule();
  }

  /** Runs the scheduler once at the end of the current turn. */
  schedule(): void {
    this.#dispatch.schedule();
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
    this.events.emit(taskStarted(t, g, startTime));
  }

  /**
   * Handles a governor's report that a task finished.
   *
   * @param g The governor.
   * @param id The task id.
   * @param finished The task's info.
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
    g.release(t);
    finishTask(t, g, info, outputs, this.#graph);
    this.schedule();
  }

  /**
   * Handles a governor's report that a task failed: the session fails, or,
   * when an input could not be fetched, the input is recovered and the task
   * put back.
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
    g.release(t);
    failTask(t, g, info, this.#graph);
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
    s.client.sessionFailed(s);
    stopSession(s, this.scheduler.governors, this.contents, error, "SESSION_FAILED");
    this.events.emit({ type: "session:failed", session: s.id, error });
    this.schedule();
  }

  /**
   * Closes a session (idempotent) and forgets it.
   *
   * @param s The session.
   */
  closeSession(s: SessionState): void {
    if (s.state === "open") {
      const message = `Session ${s.id} was closed`;
      stopSession(s, this.scheduler.governors, this.contents, message, "SESSION_CLOSED");
      this.schedule();
    }
    s.state = "closed";
    this.sessions.delete(s.id);
    this.events.emit({ type: "session:closed", session: s.id });
  }

  /** The task a governor reports on, when it is still that governor's and its session open. */
  #runningTask(g: GovernorLink, id: Id): TaskNode | undefined {
    const t = this.sessions.get(id[0])?.tasks.get(id[1]);
    if (!t || t.governor !== g || (t.state !== "assigned" && t.state !== "running")) {
      return undefined;
    }
    if (t.session.state !== "open") return undefined;
    return t;
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
    wait(s, tasks, objects, w);
  }

  /**
   * Registers a waiter for every task of a session.
   *
   * @param s The session.
   * @param w The waiter.
   */
  waitAll(s: SessionState, w: Waiter): void {
    waitAll(s, w);
  }

  /**
   * Stops keeping an object; frees it when nothing else needs it.
   *
   * @param o The object.
   */
  unkeep(o: ObjectNode): void {
    o.keep = false;
    maybeFree(o);
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
    for (const [o, error] of this.contents.governorLost(g)) this.failSession(o.session, error);
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
