/**
 * Name groups of one session: tasks grouped by their `/`-separated names
 * (`"train/fold-1"` sits in `train` → `train/fold-1`), with counts of tasks
 * per state and total duration per group, kept up to date as tasks change
 * state (a change costs one step per level of its name).
 *
 * Groups are numbered; group 0 is the root, the whole session. Unnamed tasks
 * are grouped by task type under a top-level group named `(type)`.
 *
 * @module
 */

/** The five states tasks are counted in. */
export const COUNTED_STATES = ["waiting", "ready", "running", "finished", "failed"] as const;

/** One of {@linkcode COUNTED_STATES}. */
export type CountedState = typeof COUNTED_STATES[number];

/** Tasks per counted state. */
export type StateCounts = Record<CountedState, number>;

/** Numbers kept per group: the five counts, then the finished tasks' total duration. */
const STRIDE = 6;
const DURATION = 5;

/** A group as the dashboard lists it. */
export interface GroupSummary {
  /** Group number (for expanding it). */
  id: number;
  /** Its last name segment. */
  name: string;
  /** The full name, `"a/b"`. */
  path: string;
  /** Tasks in it and below, per state. */
  counts: StateCounts;
  /** Tasks in it and below. */
  total: number;
  /** Sum of the finished tasks' durations (ms). */
  duration: number;
  /** Mean duration of its finished tasks (ms), 0 when none finished. */
  mean: number;
  /** Number of sub-groups. */
  groups: number;
  /** Number of tasks named exactly this path. */
  tasks: number;
}

/** The group tree of one session. */
export class GroupTree {
  #parent: Int32Array = new Int32Array(16);
  #stats: Float64Array = new Float64Array(16 * STRIDE);
  #names: string[] = [""];
  #children: (Map<string, number> | null)[] = [null];
  #childList: (number[] | null)[] = [null];
  #tasks: (number[] | null)[] = [null];
  #count = 1;
  #byName = new Map<string, number>();

  constructor() {
    this.#parent[0] = -1;
  }

  /** Number of groups, the root included. */
  get size(): number {
    return this.#count;
  }

  /**
   * Adds a task to the group of its name (made when new), counted as waiting.
   *
   * @param n The task's number.
   * @param name Its name (`""` when unnamed).
   * @param taskType Its type, which groups unnamed tasks.
   * @returns The group.
   */
  add(n: number, name: string, taskType: string): number {
    const key = name || `(${taskType})`;
    // Tasks mostly share names: one lookup instead of a walk down the tree.
    let g = this.#byName.get(key);
    if (g === undefined) this.#byName.set(key, g = this.#find(key));
    (this.#tasks[g] ??= []).push(n);
    for (let k = g; k >= 0; k = this.#parent[k]!) this.#stats[k * STRIDE]!++;
    return g;
  }

  #find(key: string): number {
    let g = 0;
    for (const segment of key.split("/")) {
      if (segment === "") continue;
      const children = this.#children[g] ??= new Map();
      let c = children.get(segment);
      if (c === undefined) {
        c = this.#make(g, segment);
        children.set(segment, c);
        (this.#childList[g] ??= []).push(c);
      }
      g = c;
    }
    return g;
  }

  #make(parent: number, name: string): number {
    const g = this.#count++;
    if (g === this.#parent.length) {
      const p = new Int32Array(g * 2);
      p.set(this.#parent);
      this.#parent = p;
      const s = new Float64Array(g * 2 * STRIDE);
      s.set(this.#stats);
      this.#stats = s;
    }
    this.#parent[g] = parent;
    this.#names.push(name);
    this.#children.push(null);
    this.#childList.push(null);
    this.#tasks.push(null);
    return g;
  }

  /**
   * Moves one task of a group from one counted state to another.
   *
   * @param g The task's group.
   * @param from Index of its old state in {@linkcode COUNTED_STATES}.
   * @param to Index of its new state.
   */
  move(g: number, from: number, to: number): void {
    const s = this.#stats;
    for (let k = g; k >= 0; k = this.#parent[k]!) {
      s[k * STRIDE + from]!--;
      s[k * STRIDE + to]!++;
    }
  }

  /**
   * Adds to (or, negative, takes from) the total duration of a group.
   *
   * @param g The task's group.
   * @param ms The duration.
   */
  addDuration(g: number, ms: number): void {
    for (let k = g; k >= 0; k = this.#parent[k]!) this.#stats[k * STRIDE + DURATION]! += ms;
  }

  /**
   * Tasks of a group (and below) per state.
   *
   * @param g The group (0 for the session).
   * @returns The counts.
   */
  counts(g: number): StateCounts {
    const s = this.#stats, o = g * STRIDE;
    return {
      waiting: s[o]!,
      ready: s[o + 1]!,
      running: s[o + 2]!,
      finished: s[o + 3]!,
      failed: s[o + 4]!,
    };
  }

  /**
   * The full name of a group.
   *
   * @param g The group.
   * @returns Its `/`-joined path (`""` for the root).
   */
  path(g: number): string {
    const parts: string[] = [];
    for (let k = g; k > 0; k = this.#parent[k]!) parts.push(this.#names[k]!);
    return parts.reverse().join("/");
  }

  /**
   * The top-level group a group is in (for colours).
   *
   * @param g The group.
   * @returns The top-level group (the root for the root).
   */
  top(g: number): number {
    let k = g;
    while (k > 0 && this.#parent[k]! > 0) k = this.#parent[k]!;
    return k;
  }

  /**
   * Describes a group.
   *
   * @param g The group.
   * @returns Its summary.
   */
  summary(g: number): GroupSummary {
    const counts = this.counts(g);
    const total = counts.waiting + counts.ready + counts.running + counts.finished +
      counts.failed;
    const duration = this.#stats[g * STRIDE + DURATION]!;
    return {
      id: g,
      name: this.#names[g]!,
      path: this.path(g),
      counts,
      total,
      duration,
      mean: counts.finished ? duration / counts.finished : 0,
      groups: this.#childList[g]?.length ?? 0,
      tasks: this.#tasks[g]?.length ?? 0,
    };
  }

  /**
   * A page of a group's sub-groups, in the order they first appeared.
   *
   * @param g The group.
   * @param offset First sub-group.
   * @param limit Most sub-groups.
   * @returns Their summaries.
   */
  children(g: number, offset: number, limit: number): GroupSummary[] {
    const list = this.#childList[g] ?? [];
    return list.slice(offset, offset + limit).map((c) => this.summary(c));
  }

  /**
   * A page of the tasks named exactly as a group, in submit order.
   *
   * @param g The group.
   * @param offset First task.
   * @param limit Most tasks.
   * @returns Their numbers.
   */
  tasks(g: number, offset: number, limit: number): number[] {
    return (this.#tasks[g] ?? []).slice(offset, offset + limit);
  }

  /**
   * Whether a number is a group of this tree.
   *
   * @param g The number.
   * @returns `true` when it is.
   */
  has(g: number): boolean {
    return Number.isInteger(g) && g >= 0 && g < this.#count;
  }
}
