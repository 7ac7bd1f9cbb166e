/**
 * Counts the open WebSocket connections per peer address, for the
 * `connectionsPerAddress` limit.
 *
 * @module
 */

/** Open connections per peer address. */
export class ConnectionCount {
  readonly #open = new Map<string, number>();

  /** @param max Most open connections per address. */
  constructor(readonly max: number) {}

  /**
   * Counts a new connection from `address` unless that address is at the
   * limit.
   *
   * @param address The peer's address.
   * @returns Whether it was counted (`false`: refuse it).
   */
  add(address: string): boolean {
    const n = this.#open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.#open.set(address, n + 1);
    return true;
  }

  /**
   * Uncounts a closed connection counted by {@linkcode ConnectionCount.add}.
   *
   * @param address The peer's address.
   */
  remove(address: string): void {
    const n = this.#open.get(address) ?? 0;
    if (n <= 1) this.#open.delete(address);
    else this.#open.set(address, n - 1);
  }
}
