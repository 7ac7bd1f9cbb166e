/**
 * Deep freezing of submitted specs.
 *
 * @module
 */

/**
 * Freezes a value and everything reachable from it (byte arrays excepted).
 *
 * @param v The value.
 */
export function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v) || v instanceof Uint8Array) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}
