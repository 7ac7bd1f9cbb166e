/**
 * A map keyed by object id, without building a key per look-up.
 *
 * @module
 */
import type { Id } from "../common/attributes.ts";

/**
 * Values keyed by id `[session, n]`: one map of `n` per session, so a look-up
 * allocates nothing and a whole session is dropped at once.
 */
export class IdMap<V> {
  readonly #sessions = new Map<number, Map<number, V>>();

  /**
   * Looks up a value.
   *
   * @param id The id.
   * @returns The value, if any.
   */
  get(id: Id): V | undefined {
    return this.#sessions.get(id[0])?.get(id[1]);
  }

  /**
   * Sets a value, replacing the one with the same id.
   *
   * @param id The id.
   * @param value The value.
   * @returns The value replaced, if any.
   */
  set(id: Id, value: V): V | undefined {
    let values = this.#sessions.get(id[0]);
    if (!values) this.#sessions.set(id[0], values = new Map());
    const old = values.get(id[1]);
    values.set(id[1], value);
    return old;
  }

  /**
   * Removes a value.
   *
   * @param session The id's session.
   * @param n The id's number in its session.
   * @returns The value removed, if any.
   */
  delete(session: number, n: number): V | undefined {
    const values = this.#sessions.get(session);
    const value = values?.get(n);
    if (value === undefined) return undefined;
    values!.delete(n);
    if (values!.size === 0) this.#sessions.delete(session);
    return value;
  }

  /**
   * Removes every value of a session.
   *
   * @param session The session id.
   * @returns The values removed.
   */
  deleteSession(session: number): Iterable<V> {
    const values = this.#sessions.get(session);
    if (!values) return [];
    this.#sessions.delete(session);
    return values.values();
  }

  /** Removes everything. */
  clear(): void {
    this.#sessions.clear();
  }
}
