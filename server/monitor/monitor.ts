/**
 * The monitor: builds what the dashboard, `rain status` and the clients'
 * progress show from the event stream alone (so a log file replayed into it
 * shows the same), and keeps closed sessions within a bounded retention.
 *
 * @module
 */
import { isEmptyRecord } from "../../common/attributes.ts";
import type { EventLog } from "../events/event_log.ts";
import type { EventOf, RainEvent } from "../events/event_map.ts";
import type { StateCounts } from "./groups.ts";
import {
  ASSIGNED,
  FAILED,
  FINISHED,
  READY,
  RUNNING,
  SessionRecord,
  type SessionSummary,
  WAITING,
} from "./session_record.ts";

/** How much history the monitor keeps of closed sessions. */
export interface Retention {
  /** Most tasks of closed sessions kept (the newest closed session is always kept). @default {100000} */
  tasks?: number | undefined;
  /** Most closed sessions kept. @default {1000} */
  sessions?: number | undefined;
}

/** Tasks of closed sessions kept by default. */
export const DEFAULT_RETAINED_TASKS = 100_000;
/** Closed sessions kept by default. */
export const DEFAULT_RETAINED_SESSIONS = 1000;

/** A governor as the dashboard and `rain status` show it. */
export interface GovernorSummary {
  /** Its `host:port`. */
  id: string;
  /** Its cpus. */
  cpus: number;
  /** Cpus of the tasks assigned to it. */
  used: number;
  /** Tasks assigned to it and not finished. */
  tasks: number;
  /** Tasks it finished. */
  finished: number;
  /** Objects it holds. */
  objects: number;
  /** Bytes of the objects it holds. */
  bytes: number;
  /** Its resident memory in bytes, as last reported (0 when unknown). */
  memory: number;
  /** When it joined (epoch ms). */
  joined: number;
  /** When it was lost (0 while connected). */
  lost: number;
  /** Why it was lost. */
  reason: string;
}

/** The monitor's view of the server. */
export class Monitor {
  /** Sessions by id, open ones and retained closed ones. */
  readonly sessions: Map<number, SessionRecord> = new Map();
  /** Every governor seen, in joining order. */
  readonly governors: GovernorSummary[] = [];
  /** Sessions changed since {@linkcode Monitor.takeChanges} was last called. */
  #changed = new Set<number>();
  #removed = new Set<number>();
  #governorsChanged = false;
  #lastTouched = -1;
  #last: SessionRecord | undefined;
  #lastGovernor: GovernorSummary | undefined;
  readonly #governorIndex = new Map<string, number>();
  readonly #closed: SessionRecord[] = [];
  #closedTasks = 0;
  readonly #maxTasks: number;
  readonly #maxSessions: number;
  #onChange: (() => void) | null = null;

  /**
   * @param events The event stream to follow.
   * @param retention How many closed sessions to keep.
   */
  constructor(events: EventLog, retention: Retention = {}) {
    this.#maxTasks = retention.tasks ?? DEFAULT_RETAINED_TASKS;
    this.#maxSessions = retention.sessions ?? DEFAULT_RETAINED_SESSIONS;
    events.on((e, time) => this.#on(e, time));
  }

  /**
   * Sets the function called (at most once until the next `takeChanges`)
   * when something changed, e.g. to schedule a push to dashboards.
   *
   * @param f The function.
   */
  onChange(f: () => void): void {
    this.#onChange = f;
  }

  /**
   * The sessions changed and removed since the last call, and whether
   * governors changed.
   *
   * @returns The changes (and forgets them).
   */
  takeChanges(): { sessions: SessionSummary[]; removed: number[]; governors: boolean } {
    const sessions: SessionSummary[] = [];
    for (const id of this.#changed) {
      const s = this.sessions.get(id);
      if (s) sessions.push(s.summary());
    }
    const out = { sessions, removed: [...this.#removed], governors: this.#governorsChanged };
    this.#changed.clear();
    this.#lastTouched = -1;
    this.#removed.clear();
    this.#governorsChanged = false;
    return out;
  }

  /**
   * Task counts of a session.
   *
   * @param id The session.
   * @returns Its counts, or `undefined` when it is not known.
   */
  progress(id: number): StateCounts | undefined {
    return this.sessions.get(id)?.groups.counts(0);
  }

  /**
   * The governor of a task's governor column value.
   *
   * @param index The column value (monitor index + 1).
   * @returns The governor, or `undefined` for 0.
   */
  governorAt(index: number): GovernorSummary | undefined {
    return index > 0 ? this.governors[index - 1] : undefined;
  }

  #touch(id: number): void {
    // Several events per task touch the same session: skip the set then.
    if (id === this.#lastTouched) return;
    if (this.#changed.size === 0 && !this.#governorsChanged) this.#onChange?.();
    this.#changed.add(id);
    this.#lastTouched = id;
  }

  #touchGovernors(): void {
    if (this.#changed.size === 0 && !this.#governorsChanged) this.#onChange?.();
    this.#governorsChanged = true;
  }

  // The last session and governor looked up are remembered: events come in runs.
  #governor(id: string): GovernorSummary | undefined {
    if (this.#lastGovernor?.id === id) return this.#lastGovernor;
    const i = this.#governorIndex.get(id);
    return this.#lastGovernor = i === undefined ? undefined : this.governors[i];
  }

  #record(id: number): SessionRecord | undefined {
    if (this.#last?.id === id) return this.#last;
    return this.#last = this.sessions.get(id);
  }

  #on(e: RainEvent, time: number): void {
    switch (e.type) {
      case "task:ready":
      case "task:assigned":
      case "task:started":
      case "task:finished":
      case "task:failed":
      case "task:requeued":
        return this.#task(e);
      case "object:stored": {
        this.#record(e.session)?.stored(e.object, e.size, e.contentType);
        const g = this.#governor(e.governor);
        if (g && !g.lost) {
          g.objects++;
          g.bytes += e.size;
          this.#touchGovernors();
        }
        return;
      }
      case "object:freed": {
        this.#record(e.session)?.freed(e.object);
        const g = this.#governor(e.governor);
        if (g && !g.lost) {
          g.objects--;
          g.bytes -= e.size;
          this.#touchGovernors();
        }
        return;
      }
      case "object:transferred":
      case "content:uploaded":
      case "content:hit":
      case "server:started":
        return;
      case "governor:joined":
      case "governor:heartbeat":
      case "governor:lost":
        return this.#governorEvent(e, time);
      default:
        return this.#session(e, time);
    }
  }

  #governorEvent(
    e: EventOf<"governor:joined" | "governor:heartbeat" | "governor:lost">,
    time: number,
  ): void {
    if (e.type === "governor:joined") {
      const g: GovernorSummary = {
        id: e.governor,
        cpus: e.cpus,
        used: 0,
        tasks: 0,
        finished: 0,
        objects: 0,
        bytes: 0,
        memory: 0,
        joined: time,
        lost: 0,
        reason: "",
      };
      // A governor coming back at the same address gets a new row.
      this.#governorIndex.set(e.governor, this.governors.length);
      this.#lastGovernor = undefined;
      this.governors.push(g);
    } else {
      const g = this.#governor(e.governor);
      if (!g) return;
      if (e.type === "governor:heartbeat") g.memory = e.memory;
      else {
        // Its tasks are put back and its objects are gone (recovery sends no events for them).
        g.lost = time;
        g.reason = e.reason;
        g.used =
          g.tasks =
          g.objects =
          g.bytes =
            0;
      }
    }
    this.#touchGovernors();
  }

  #task(e: Extract<RainEvent, { type: `task:${string}` }>): void {
    const s = this.#record(e.session);
    if (!s) return;
    const n = e.task;
    switch (e.type) {
      case "task:ready":
        s.setState(n, READY);
        break;
      case "task:assigned": {
        const i = this.#governorIndex.get(e.governor);
        if (s.setState(n, ASSIGNED) === 0 || i === undefined) break;
        s.governor[n] = i + 1;
        const g = this.governors[i]!;
        g.tasks++;
        g.used += s.specs.cpus(n);
        this.#touchGovernors();
        break;
      }
      case "task:started":
        s.setState(n, RUNNING);
        s.start[n] = e.start;
        s.runs++;
        break;
      case "task:finished":
      case "task:failed": {
        this.#release(s, n, 1);
        if (s.setState(n, e.type === "task:finished" ? FINISHED : FAILED) === 0) break;
        s.start[n] = e.start;
        s.duration[n] = e.duration;
        s.runs++;
        if (e.type === "task:finished") s.groups.addDuration(s.group[n]!, e.duration);
        else s.errors.set(n, e.error);
        if (e.debug || (e.type === "task:finished" && !isEmptyRecord(e.user))) {
          s.infos.set(n, { debug: e.debug, user: e.type === "task:finished" ? e.user : {} });
        }
        break;
      }
      case "task:requeued":
        this.#release(s, n, 0);
        s.setState(n, WAITING);
        s.start[n] = 0;
        s.duration[n] = 0;
        s.errors.delete(n);
        s.runs++;
        break;
    }
    this.#touch(s.id);
  }

  /** Gives a task's cpus back on its governor; `finished` counts a task it ran. */
  #release(s: SessionRecord, n: number, finished: number): void {
    const state = s.taskState[n];
    if (state !== ASSIGNED && state !== RUNNING) return;
    const g = this.governorAt(s.governor[n]!);
    if (!g || g.lost) return;
    g.tasks--;
    g.used -= s.specs.cpus(n);
    g.finished += finished;
    this.#touchGovernors();
  }

  #session(e: Extract<RainEvent, { type: `session:${string}` }>, time: number): void {
    if (e.type === "session:opened") {
      this.sessions.set(e.session, new SessionRecord(e.session, e.name, e.client, time));
      return this.#touch(e.session);
    }
    const s = this.sessions.get(e.session);
    if (!s) return;
    switch (e.type) {
      case "session:submitted":
        s.submit(e.tasks, e.objects);
        break;
      case "session:finished":
        s.finished = time;
        break;
      case "session:failed":
        s.state = "failed";
        s.error = e.error;
        s.ended = time;
        this.#stopTasks(s);
        break;
      case "session:closed":
        this.#stopTasks(s);
        if (s.state === "failed") s.closed = true;
        else {
          s.state = "closed";
          s.ended = time;
        }
        this.#retain(s);
        break;
    }
    this.#touch(s.id);
  }

  /** Tasks still on governors when a session ends were stopped: they count as waiting. */
  #stopTasks(s: SessionRecord): void {
    s.runs++;
    for (const n of s.taskOrder) {
      const state = s.taskState[n];
      if (state === ASSIGNED || state === RUNNING) {
        this.#release(s, n, 0);
        s.setState(n, WAITING);
      }
    }
  }

  /** Keeps a closed session, dropping the oldest ones beyond the retention. */
  #retain(s: SessionRecord): void {
    this.#closed.push(s);
    this.#closedTasks += s.taskCount;
    while (
      this.#closed.length > 1 &&
      (this.#closedTasks > this.#maxTasks || this.#closed.length > this.#maxSessions)
    ) {
      const old = this.#closed.shift()!;
      this.#closedTasks -= old.taskCount;
      this.sessions.delete(old.id);
      if (this.#last === old) this.#last = undefined;
      this.#changed.delete(old.id);
      this.#lastTouched = -1;
      this.#removed.add(old.id);
    }
  }
}
