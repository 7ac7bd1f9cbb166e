/**
 * What a session's graph remembers of tasks and objects that are done with:
 * a finished task whose outputs were all freed, and whose consumers are
 * done with too, can never run again (no lost object can need it for a
 * recompute), so its node, spec and output nodes are dropped and only a
 * bit per number stays, saying that the number was a task (finished) or an
 * object (freed). What happened to them (start, duration, governor, size)
 * is the monitor's to remember, as for every task (`monitor/infos.ts`).
 * Millions of finished tasks then cost a few bytes each in the graph
 * instead of kilobytes.
 *
 * @module
 */

const TASK = 1, OBJECT = 2;

/** The finished tasks and freed objects of one session that are no longer in its graph. */
export class Archive {
  /** {@linkcode TASK} and {@linkcode OBJECT} bits by number. */
  #bits: Uint8Array = new Uint8Array(0);
  /** Tasks archived. */
  tasks = 0;

  #set(n: number, bit: number): void {
    if (n >= this.#bits.length) {
      // By half: the column spans every number of a session, millions of them.
      const b = new Uint8Array(Math.max(n + 1, Math.ceil(this.#bits.length * 1.5), 64));
      b.set(this.#bits);
      this.#bits = b;
    }
    this.#bits[n]! |= bit;
  }

  /**
   * Records a finished task.
   *
   * @param n Its number.
   */
  addTask(n: number): void {
    this.#set(n, TASK);
    this.tasks++;
  }

  /**
   * Records a freed object.
   *
   * @param n Its number.
   */
  addObject(n: number): void {
    this.#set(n, OBJECT);
  }

  /**
   * Whether a task is archived.
   *
   * @param n Its number.
   * @returns `true` when it is.
   */
  hasTask(n: number): boolean {
    return ((this.#bits[n] ?? 0) & TASK) !== 0;
  }

  /**
   * Whether an object is archived.
   *
   * @param n Its number.
   * @returns `true` when it is.
   */
  hasObject(n: number): boolean {
    return ((this.#bits[n] ?? 0) & OBJECT) !== 0;
  }
}
