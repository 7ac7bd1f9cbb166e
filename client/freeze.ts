/**
 * Freezing submitted specs, so they are immutable once submitted.
 *
 * @module
 */
import type { ObjectSpec, TaskSpec } from "../common/attributes.ts";

/**
 * Freezes a value and everything reachable from it (byte arrays excepted).
 *
 * @param v The value.
 */
function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v) || v instanceof Uint8Array) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

/**
 * Freezes a submitted task spec and everything in it. Its known parts are
 * frozen one by one (a fraction of {@linkcode deepFreeze}'s cost, which
 * matters at tens of thousands of tasks); `config` and `user`, which hold
 * the user's values, deeply.
 *
 * @param spec The spec.
 */
export function freezeTaskSpec(spec: TaskSpec): void {
  Object.freeze(spec.id);
  for (const input of spec.inputs) Object.freeze(input);
  Object.freeze(spec.inputs);
  Object.freeze(spec.outputs);
  Object.freeze(spec.resources);
  deepFreeze(spec.config);
  deepFreeze(spec.user);
  Object.freeze(spec);
}

/**
 * Freezes a submitted object spec and everything in it.
 *
 * @param spec The spec.
 */
export function freezeObjectSpec(spec: ObjectSpec): void {
  Object.freeze(spec.id);
  deepFreeze(spec.user);
  Object.freeze(spec);
}
