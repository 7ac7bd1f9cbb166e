/**
 * The scheduler: ready tasks go to governors with free cpus, preferring the
 * governor that already holds most of the task's input bytes. When every
 * governor is busy, a bounded number of tasks is queued on governors ahead
 * of time so they never wait on a round trip; each governor itself never runs
 * more cpus than it has.
 *
 * @module
 */
import type { GovernorLink } from "./governor_link.ts";
import type { TaskNode } from "./model.ts";

/** Extra cpus' worth of tasks queued on a busy governor. */
const OVERBOOK = 128;

/** Queue of ready tasks and the placement policy. */
export class Scheduler {
  #ready: TaskNode[] = [];
  #governors: GovernorLink[] = [];

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
  }

  /**
   * Places as many ready tasks as capacity allows.
   *
   * @param assign Hands one task to one governor.
   */
  run(assign: (t: TaskNode, g: GovernorLink) => void): void {
    if (this.#governors.length === 0) return;
    const deferred: TaskNode[] = [];
    const ready = this.#ready;
    let i = 0;
    for (; i < ready.length; i++) {
      const t = ready[i]!;
      if (t.state !== "ready" || t.session.state !== "open") continue;
      const g = this.#place(t);
      if (g === null) {
        if (!this.#anyRoom()) break;
        deferred.push(t);
        continue;
      }
      g.load += t.spec.resources.cpus;
      assign(t, g);
    }
    const rest = ready.slice(i);
    this.#ready = deferred.length ? deferred.concat(rest) : rest;
  }

  #anyRoom(): boolean {
    for (const g of this.#governors) if (g.free > -OVERBOOK) return true;
    return false;
  }

  #place(t: TaskNode): GovernorLink | null {
    const cpus = t.spec.resources.cpus;
    let best: GovernorLink | null = null;
    let bestScore = -1;
    for (const g of this.#governors) {
      if (g.cpus < cpus || g.free < cpus) continue;
      const score = localBytes(t, g);
      if (score > bestScore || (score === bestScore && g.free > best!.free)) {
        best = g;
        bestScore = score;
      }
    }
    if (best) return best;
    // Every governor is busy: queue on the least loaded one that has room.
    for (const g of this.#governors) {
      if (g.cpus < cpus || g.free - cpus < -OVERBOOK) continue;
      if (best === null || g.free > best.free) best = g;
    }
    return best;
  }
}

function localBytes(t: TaskNode, g: GovernorLink): number {
  let bytes = 0;
  for (const o of t.inputs) if (o.locations.includes(g)) bytes += o.info?.size ?? 0;
  return bytes;
}
