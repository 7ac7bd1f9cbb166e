/**
 * The scheduler: ready tasks go to governors with free cpus, preferring the
 * governor that already holds most of the task's input bytes, and spreading
 * over idle governors otherwise. When every governor is busy, a bounded
 * number of tasks is queued on governors ahead of time so they never wait on
 * a round trip; each governor itself never runs more cpus than it has.
 *
 * A decision looks only at the governors holding the task's inputs and at
 * governors taken in turn from a rotating cursor, so its cost does not grow
 * with the number of tasks, and only grows with the number of governors when
 * they are all busy.
 *
 * @module
 */
import type { EventLog } from "./events/event_log.ts";
import { taskReady } from "./events/node_events.ts";
import type { GovernorLink } from "./governor_link.ts";
import type { TaskNode } from "./model.ts";

/** Extra cpus' worth of tasks queued on a busy governor. */
const OVERBOOK = 128;

/** Input bytes on a governor above which a task waits there rather than moving them. */
const LOCALITY_BYTES = 1024 * 1024;

/** Queue of ready tasks and the placement policy. */
export class Scheduler {
  #ready: TaskNode[] = [];
  #head = 0;
  #deferred: TaskNode[] = [];
  #governors: GovernorLink[] = [];
  #cursor = 0;
  readonly #events: EventLog;

  /**
   * @param events The event stream (tasks becoming ready are emitted).
   */
  constructor(events: EventLog) {
    this.#events = events;
  }

  /**
   * Adds a governor to place tasks on.
   *
   * @param g The governor.
   */
  addGovernor(g: GovernorLink): void {
    this.#governors.push(g);
  }

  /**
   * Removes a governor.
   *
   * @param g The governor.
   */
  removeGovernor(g: GovernorLink): void {
    this.#governors = this.#governors.filter((x) => x !== g);
  }

  /** The connected governors. */
  get governors(): readonly GovernorLink[] {
    return this.#governors;
  }

  /** Most cpus of any governor (0 without governors). */
  get maxCpus(): number {
    let m = 0;
    for (const g of this.#governors) m = Math.max(m, g.cpus);
    return m;
  }

  /**
   * Queues a task whose inputs are all finished.
   *
   * @param t The task.
   */
  enqueue(t: TaskNode): void {
    t.state = "ready";
    this.#ready.push(t);
    this.#events.emit(taskReady(t));
  }

  /**
   * Places as many ready tasks as capacity allows, in submission order; a
   * task too big for the room left waits without blocking smaller ones.
   *
   * @param assign Hands one task to one governor (`GovernorLink.claim`).
   * @param tooBig Called for a task needing more cpus than any governor has
   *   (after the largest governor was lost); it is dropped from the queue.
   */
  run(
    assign: (t: TaskNode, g: GovernorLink) => void,
    tooBig: (t: TaskNode, maxCpus: number) => void,
  ): void {
    if (this.#governors.length === 0) return;
    const maxCpus = this.maxCpus;
    // Returns false when nothing more can be placed now.
    const tryPlace = (t: TaskNode, deferred: TaskNode[]): boolean => {
      if (t.state !== "ready" || t.session.state !== "open") return true;
      if (t.spec.resources.cpus > maxCpus) {
        tooBig(t, maxCpus);
        return true;
      }
      const g = this.#place(t);
      if (g === null) {
        deferred.push(t);
        return t.spec.resources.cpus > 1; // a 1-cpu task not fitting means no room at all
      }
      assign(t, g); // claims the cpus on g before the next placement

      return true;
    };
    // Tasks that waited for room go first, in order; then the new ones.
    const older = this.#deferred;
    this.#deferred = [];
    let room = true;
    for (const t of older) {
      if (room) room = tryPlace(t, this.#deferred);
      else this.#deferred.push(t);
    }
    const ready = this.#ready;
    while (room && this.#head < ready.length) room = tryPlace(ready[this.#head++]!, this.#deferred);
    if (this.#head === ready.length) {
      this.#ready = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > ready.length) {
      this.#ready = ready.slice(this.#head);
      this.#head = 0;
    }
  }

  #place(t: TaskNode): GovernorLink | null {
    const cpus = t.spec.resources.cpus;
    // 1. The governor holding most input bytes: when it has free cpus, or
    //    when moving the bytes would cost more than queueing there.
    let best: GovernorLink | null = null;
    let bestBytes = 0;
    for (const o of t.inputs) {
      for (const g of o.locations) {
        if (g.cpus < cpus || g === best) continue;
        const bytes = localBytes(t, g);
        if (bytes > bestBytes) {
          best = g;
          bestBytes = bytes;
        }
      }
    }
    if (
      best && (best.free >= cpus || (bestBytes >= LOCALITY_BYTES && best.free - cpus >= -OVERBOOK))
    ) {
      return best;
    }
    // 2. The next governor in turn with free cpus, else with queue room.
    return this.#next((g) => g.free >= cpus) ??
      this.#next((g) => g.cpus >= cpus && g.free - cpus >= -OVERBOOK);
  }

  #next(fits: (g: GovernorLink) => boolean): GovernorLink | null {
    const n = this.#governors.length;
    for (let k = 0; k < n; k++) {
      const g = this.#governors[(this.#cursor + k) % n]!;
      if (fits(g)) {
        this.#cursor = (this.#cursor + k + 1) % n;
        return g;
      }
    }
    return null;
  }
}

function localBytes(t: TaskNode, g: GovernorLink): number {
  let bytes = 0;
  for (const o of t.inputs) if (o.locations.includes(g)) bytes += o.info?.size ?? 0;
  return bytes;
}
