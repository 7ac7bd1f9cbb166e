// The cluster state the dashboard shows, as the server's live feed tells it.

/** The cluster as the live feed describes it. */
export const store = {
  /** @type {any[]} */
  governors: [],
  /** @type {Map<number, any>} */
  sessions: new Map(),
  /** @type {any[]} Notable events, oldest first. */
  log: [],
  /** Whether the live feed is connected. */
  connected: false,
  /** Server time minus local time (ms), to show running durations. */
  skew: 0,
  /** Sessions changed by the last message (all of them after a snapshot). */
  changed: new Set(),
  /** Whether the last message was a snapshot (sent on every (re)connection). */
  snapshot: false,
};

/**
 * The server's current time, as far as the last message tells.
 *
 * @returns {number} Epoch ms.
 */
export function serverNow() {
  return Date.now() + store.skew;
}
