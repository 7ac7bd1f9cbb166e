/**
 * Where object data is: the one place that changes an object's
 * `locations` and, with them, each governor's `objects` and `memory`, so
 * the two sides never disagree.
 *
 * @module
 */
import { objectFreed, objectStored } from "./events/node_events.ts";
import type { GovernorLink } from "./governor_link.ts";
import { append, EMPTY, type ObjectNode } from "./model.ts";

function bytesOf(o: ObjectNode): number {
  return o.info?.size ?? o.data?.length ?? 0;
}

/**
 * Records that a governor holds an object (idempotent).
 *
 * @param o The object.
 * @param g The governor.
 */
export function addLocation(o: ObjectNode, g: GovernorLink): void {
  if (g.objects.has(o)) return;
  g.objects.add(o);
  o.locations = append(o.locations, g);
  const size = bytesOf(o);
  g.memory += size;
  g.events.emit(objectStored(o, g, size));
}

/**
 * Records that a governor no longer holds an object (its copy is lost or
 * freed).
 *
 * @param o The object.
 * @param g The governor.
 */
export function removeLocation(o: ObjectNode, g: GovernorLink): void {
  if (!g.objects.delete(o)) return;
  dropped(o, g);
  o.locations = o.locations.length === 1 ? EMPTY : o.locations.filter((x) => x !== g);
}

/**
 * Records that no governor holds an object any more.
 *
 * @param o The object.
 * @returns The governors that held it (to tell them to free it).
 */
export function clearLocations(o: ObjectNode): readonly GovernorLink[] {
  const held = o.locations;
  for (const g of held) if (g.objects.delete(o)) dropped(o, g);
  o.locations = EMPTY;
  return held;
}

/** Counts an object's bytes off a governor that no longer holds it. */
function dropped(o: ObjectNode, g: GovernorLink): void {
  const size = bytesOf(o);
  g.memory -= size;
  g.events.emit(objectFreed(o, g, size));
}

/**
 * Records that a governor is gone with everything it held (no `object:freed`
 * events: the governor's loss is the event).
 *
 * @param g The governor.
 * @returns The objects it held.
 */
export function clearGovernor(g: GovernorLink): ObjectNode[] {
  const held = [...g.objects];
  for (const o of held) {
    o.locations = o.locations.length === 1 ? EMPTY : o.locations.filter((x) => x !== g);
  }
  g.objects.clear();
  g.memory = 0;
  return held;
}
