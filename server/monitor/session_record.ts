/**
 * What the monitor keeps of one session: its summary, name groups, and per
 * task and object the facts the dashboard shows, in columns indexed by the
 * session-local number (typed arrays: no object per task to allocate or to
 * trace in garbage collections). It outlives the session on the server, so
 * a closed session stays viewable.
 *
 * @module
 */
import type { TaskSpec } from "../../common/attributes.ts";
import type { SubmittedObject } from "../events/event_map.ts";
import { GroupTree, type StateCounts } from "./groups.ts";
import { SpecTable } from "./spec_table.ts";

/** Task states as kept; {@linkcode COUNTED} maps them to the counted five. */
export const TASK_STATE = ["", "waiting", "ready", "assigned", "running", "finished", "failed"];
/** Task state codes. */
export const WAITING = 1, READY = 2, ASSIGNED = 3, RUNNING = 4, FINISHED = 5, FAILED = 6;
/** Counted state (index in `COUNTED_STATES`) of each task state code. */
export const COUNTED = [-1, 0, 1, 2, 2, 3, 4];

/** Object state codes. */
export const OBJECT_STATE = ["", "waiting", "finished", "removed"];
const O_WAITING = 1, O_FINISHED = 2, O_REMOVED = 3;

/** A session as listed by the dashboard and `rain status`. */
export interface SessionSummary {
  /** Session id. */
  id: number;
  /** Its name. */
  name: string;
  /** The client's address. */
  client: string;
  /** `open`, `finished` (open, every task done), `failed` or `closed`. */
  state: "open" | "finished" | "failed" | "closed";
  /** The error that failed it (`""` unless failed). */
  error: string;
  /** Tasks per state. */
  counts: StateCounts;
  /** Tasks submitted. */
  tasks: number;
  /** When it was opened (epoch ms). */
  opened: number;
  /** When it failed or closed (0 while open). */
  ended: number;
  /** When its tasks last all finished (0 when some are unfinished). */
  finished: number;
}

/** The monitor's record of one session. */
export class SessionRecord {
  /** Session id. */
  readonly id: number;
  /** Its name. */
  readonly name: string;
  /** The client's address. */
  readonly client: string;
  /** When it was opened. */
  readonly opened: number;
  /** Open, failed (possibly closed since) or closed. */
  state: "open" | "failed" | "closed" = "open";
  /** Closed after it failed. */
  closed = false;
  /** The error that failed it. */
  error = "";
  /** When it failed or closed. */
  ended = 0;
  /** When all its tasks finished (0 while some are not). */
  finished = 0;
  /** Tasks submitted. */
  taskCount = 0;
  /** Counts changes of task runs (start, finish, failure, requeue): the timeline's version. */
  runs = 0;
  /** Name groups. */
  readonly groups: GroupTree = new GroupTree();
  /** Task state codes by number (0: not a task). */
  taskState: Uint8Array = new Uint8Array(64);
  /** Group of each task. */
  group: Int32Array = new Int32Array(64);
  /** Governor (monitor index + 1, 0 for none) of each task. */
  governor: Uint16Array = new Uint16Array(64);
  /** Start of each task (epoch ms). */
  start: Float64Array = new Float64Array(64);
  /** Duration of each task (ms). */
  duration: Float64Array = new Float64Array(64);
  /** Object state codes by number (0: not an object). */
  objectState: Uint8Array = new Uint8Array(64);
  /** Size of each object (bytes). */
  size: Float64Array = new Float64Array(64);
  /** Governors holding each object. */
  holders: Uint16Array = new Uint16Array(64);
  /** Task and object specs, compact. */
  readonly specs: SpecTable;
  /** Task numbers in submit order. */
  readonly taskOrder: number[] = [];
  /** Errors of failed tasks. */
  readonly errors: Map<number, string> = new Map();
  /** Debug logs and user info of tasks that have them. */
  readonly infos: Map<number, { debug: string; user: Record<string, unknown> }> = new Map();
  /** Content types objects got at run time, where they differ from the spec's. */
  readonly contentTypes: Map<number, string> = new Map();

  /**
   * @param id Session id.
   * @param name Its name.
   * @param client The client's address.
   * @param opened When it was opened.
   */
  constructor(id: number, name: string, client: string, opened: number) {
    this.id = id;
    this.name = name;
    this.client = client;
    this.opened = opened;
    this.specs = new SpecTable(id);
  }

  #grow(n: number): void {
    if (n < this.taskState.length) return;
    // By half: millions of numbers waste a lot at 2×.
    const cap = Math.max(n + 1, Math.ceil(this.taskState.length * 1.5));
    const grow = <T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.taskState = grow(this.taskState);
    this.group = grow(this.group);
    this.governor = grow(this.governor);
    this.start = grow(this.start);
    this.duration = grow(this.duration);
    this.objectState = grow(this.objectState);
    this.size = grow(this.size);
    this.holders = grow(this.holders);
  }

  /**
   * Adds a submit's tasks and objects.
   *
   * @param tasks The task specs.
   * @param objects The objects.
   */
  submit(tasks: readonly TaskSpec[], objects: readonly SubmittedObject[]): void {
    for (const o of objects) {
      const n = o.spec.id[1];
      this.#grow(n);
      this.specs.addObject(o);
      this.objectState[n] = o.size === undefined ? O_WAITING : O_FINISHED;
      this.size[n] = o.size ?? 0;
    }
    for (const spec of tasks) {
      const n = spec.id[1];
      this.#grow(n);
      this.specs.addTask(spec);
      this.taskState[n] = WAITING;
      this.group[n] = this.groups.add(n, spec.name, spec.taskType);
      this.taskOrder.push(n);
    }
    this.taskCount += tasks.length;
    if (tasks.length > 0) this.finished = 0;
  }

  /**
   * Moves a task to a new state, keeping the group counts.
   *
   * @param n The task.
   * @param state The new state code.
   * @returns The old state code (0 for an unknown task, which is left alone).
   */
  setState(n: number, state: number): number {
    const old = this.taskState[n] ?? 0;
    if (old === 0 || old === state) return old;
    this.taskState[n] = state;
    const from = COUNTED[old]!, to = COUNTED[state]!;
    if (from !== to) this.groups.move(this.group[n]!, from, to);
    if (old === FINISHED) this.groups.addDuration(this.group[n]!, -this.duration[n]!);
    return old;
  }

  /**
   * Records that a governor now holds an object.
   *
   * @param n The object.
   * @param size Its size.
   * @param contentType Its content type.
   */
  stored(n: number, size: number, contentType: string): void {
    if (!this.objectState[n]) return;
    this.objectState[n] = O_FINISHED;
    this.size[n] = size;
    this.holders[n]!++;
    if (contentType !== this.specs.contentType(n)) this.contentTypes.set(n, contentType);
  }

  /**
   * Records that a governor dropped an object.
   *
   * @param n The object.
   */
  freed(n: number): void {
    if (!this.objectState[n] || this.holders[n] === 0) return;
    if (--this.holders[n]! === 0 && !this.specs.isConstant(n)) {
      this.objectState[n] = O_REMOVED;
    }
  }

  /** The session's summary. */
  summary(): SessionSummary {
    const state = this.state === "open" && this.finished ? "finished" : this.state;
    return {
      id: this.id,
      name: this.name,
      client: this.client,
      state,
      error: this.error,
      counts: this.groups.counts(0),
      tasks: this.taskCount,
      opened: this.opened,
      ended: this.ended,
      finished: this.finished,
    };
  }

  /**
   * An object's spec, state, size and content type.
   *
   * @param n The object.
   * @returns What is known of it, or `null` for an unknown number.
   */
  object(n: number): ObjectView | null {
    const o = this.specs.object(n);
    if (!o) return null;
    return {
      id: n,
      label: o.spec.label,
      state: OBJECT_STATE[this.objectState[n]!]!,
      size: this.size[n]!,
      contentType: this.contentTypes.get(n) ?? o.spec.contentType,
      dataType: o.spec.dataType,
      keep: o.keep,
      user: o.spec.user,
    };
  }
}

/** An object as the task inspector shows it. */
export interface ObjectView {
  /** Session-local number. */
  id: number;
  /** Its label. */
  label: string;
  /** `waiting`, `finished` or `removed`. */
  state: string;
  /** Size in bytes (0 until known). */
  size: number;
  /** Content type (the run-time one when the task set it). */
  contentType: string;
  /** `blob` or `dir`. */
  dataType: string;
  /** Whether the client keeps it. */
  keep: boolean;
  /** The spec's user attributes. */
  user: Record<string, unknown>;
}
