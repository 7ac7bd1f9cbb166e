/**
 * A session's timeline: one row per governor cpu slot, one bar per task
 * that ran. Slots are not reported by governors, so they are laid out here:
 * each governor's tasks in start order take the lowest slot free at their
 * start (a task of k cpus takes k slots and is drawn on the first). The
 * layout is computed once per change of the session's task runs.
 *
 * @module
 */
import type { Monitor } from "./monitor.ts";
import { FAILED, FINISHED, RUNNING, type SessionRecord } from "./session_record.ts";

/** Bars in a window above which bars narrower than a pixel are merged. */
export const MAX_BARS = 5000;

/** Numbers per bar in {@linkcode TimelineWindow.bars}. */
export const BAR_FIELDS = 6;

/** Where each run task is drawn. */
export interface Layout {
  /** Rows: governor id and slot number (from 0). */
  rows: { governor: string; slot: number }[];
  /** Tasks that ran, in start order. */
  tasks: Int32Array;
  /** Row of each of `tasks`. */
  row: Int32Array;
  /** Start and end of each of `tasks`, ms from `start`. */
  t0: Float64Array;
  /** End of each of `tasks`, ms from `start`. */
  t1: Float64Array;
  /** Top-level name group of each of `tasks`, as an index in `groups`. */
  group: Int32Array;
  /** Paths of the top-level groups. */
  groups: string[];
  /** Earliest start (epoch ms; 0 when nothing ran). */
  start: number;
  /** Latest end (epoch ms). */
  end: number;
}

/** The bars of a window of the timeline. */
export interface TimelineWindow {
  /** Epoch ms that bar times count from (the earliest start). */
  origin: number;
  /** Length of the whole timeline (ms). */
  span: number;
  /** Rows: governor and slot. */
  rows: { governor: string; slot: number }[];
  /** Top-level name groups; a bar's colour is its index here. */
  groups: string[];
  /**
   * Bars, {@linkcode BAR_FIELDS} numbers each: row, start and end (ms from
   * `origin`), group index (-1 for merged bars of several groups), task
   * number (-1 when merged), state (0 finished, 1 failed, 2 running).
   */
  bars: number[];
  /** Whether bars narrower than a pixel were merged. */
  merged: boolean;
}

const layouts = new WeakMap<SessionRecord, { runs: number; layout: Layout }>();

/**
 * Lays out the tasks of a session that ran (cached until they change).
 *
 * @param s The session.
 * @param monitor The monitor (for governors).
 * @returns The layout.
 */
export function layout(s: SessionRecord, monitor: Monitor): Layout {
  const cached = layouts.get(s);
  if (cached && cached.runs === s.runs && !hasRunning(s)) return cached.layout;
  const ran: number[] = [];
  for (const n of s.taskOrder) {
    const st = s.taskState[n]!;
    if ((st === FINISHED || st === FAILED || st === RUNNING) && s.start[n]! > 0) ran.push(n);
  }
  ran.sort((a, b) => s.start[a]! - s.start[b]!);
  const now = Date.now();
  const slotEnds = new Map<number, number[]>(); // governor column value -> end of each slot
  const slotRow = new Map<number, number[]>();
  const rows: Layout["rows"] = [];
  const tasks = Int32Array.from(ran);
  const row = new Int32Array(ran.length);
  let start = 0, end = 0;
  for (let i = 0; i < ran.length; i++) {
    const n = ran[i]!;
    const g = s.governor[n]!;
    const t0 = s.start[n]!;
    const t1 = endOf(s, n, now);
    if (start === 0) start = t0;
    end = Math.max(end, t1);
    let ends = slotEnds.get(g);
    if (!ends) slotEnds.set(g, ends = []);
    let rowOf = slotRow.get(g);
    if (!rowOf) slotRow.set(g, rowOf = []);
    const cpus = s.specs.cpus(n);
    let first = -1;
    for (let k = 0, taken = 0; taken < cpus; k++) {
      if (k === ends.length) {
        ends.push(0);
        rowOf.push(rows.length);
        rows.push({ governor: monitor.governorAt(g)?.id ?? "", slot: k });
      }
      if (ends[k]! <= t0) {
        ends[k] = t1;
        if (first < 0) first = k;
        taken++;
      }
    }
    row[i] = rowOf[first]!;
  }
  // Rows sorted by governor then slot, whatever order the slots were opened in.
  const order = rows.map((_, i) => i).sort((a, b) =>
    rows[a]!.governor < rows[b]!.governor
      ? -1
      : rows[a]!.governor > rows[b]!.governor
      ? 1
      : rows[a]!.slot - rows[b]!.slot
  );
  const rank = new Int32Array(rows.length);
  order.forEach((r, i) => rank[r] = i);
  for (let i = 0; i < row.length; i++) row[i] = rank[row[i]!]!;
  const t0 = new Float64Array(ran.length), t1 = new Float64Array(ran.length);
  const group = new Int32Array(ran.length);
  const groups: string[] = [];
  const groupIndex = new Map<number, number>();
  for (let i = 0; i < ran.length; i++) {
    const n = ran[i]!;
    t0[i] = s.start[n]! - start;
    t1[i] = endOf(s, n, now) - start;
    const top = s.groups.top(s.group[n]!);
    let k = groupIndex.get(top);
    if (k === undefined) {
      groupIndex.set(top, k = groups.length);
      groups.push(s.groups.path(top));
    }
    group[i] = k;
  }
  const result = {
    rows: order.map((r) => rows[r]!),
    tasks,
    row,
    start,
    end,
    t0,
    t1,
    group,
    groups,
  };
  layouts.set(s, { runs: s.runs, layout: result });
  return result;
}

function hasRunning(s: SessionRecord): boolean {
  return s.state === "open" && s.groups.counts(0).running > 0;
}

/**
 * When a task's bar ends: start + duration, or now while it runs.
 *
 * @param s The session.
 * @param n The task.
 * @param now The current time.
 * @returns Epoch ms.
 */
export function endOf(s: SessionRecord, n: number, now: number): number {
  return s.taskState[n] === RUNNING ? Math.max(now, s.start[n]!) : s.start[n]! + s.duration[n]!;
}

/**
 * The bars of a window of a session's timeline.
 *
 * @param s The session.
 * @param monitor The monitor.
 * @param from Window start, ms from the earliest start (default 0).
 * @param to Window end, ms from the earliest start (default: the end).
 * @param width Width of the window in pixels (for merging bars).
 * @returns The window.
 */
export function timelineWindow(
  s: SessionRecord,
  monitor: Monitor,
  from: number,
  to: number,
  width: number,
): TimelineWindow {
  const l = layout(s, monitor);
  const span = l.end - l.start;
  const hi = Number.isFinite(to) ? to : span;
  let inWindow = 0;
  for (let i = 0; i < l.tasks.length; i++) if (l.t1[i]! >= from && l.t0[i]! <= hi) inWindow++;
  const bars: number[] = [];
  const merge = inWindow > MAX_BARS;
  const px = (hi - from) / Math.max(1, width);
  // Per row: where the bar being extended while merging starts in `bars`.
  const open = new Int32Array(l.rows.length).fill(-1);
  for (let i = 0; i < l.tasks.length; i++) {
    const t0 = l.t0[i]!, t1 = l.t1[i]!;
    if (t1 < from || t0 > hi) continue;
    const n = l.tasks[i]!, r = l.row[i]!, g = l.group[i]!;
    const st = s.taskState[n];
    const state = st === FAILED ? 1 : st === RUNNING ? 2 : 0;
    const at = open[r]!;
    if (merge && at >= 0 && t0 - bars[at + 2]! < px && t1 - t0 < px) {
      bars[at + 2] = Math.max(bars[at + 2]!, t1);
      if (bars[at + 3] !== g) bars[at + 3] = -1;
      bars[at + 4] = -1;
      bars[at + 5] = Math.max(bars[at + 5]!, state);
      continue;
    }
    open[r] = bars.length;
    bars.push(r, t0, t1, g, n, state);
  }
  return { origin: l.start, span, rows: l.rows, groups: l.groups, bars, merged: merge };
}
