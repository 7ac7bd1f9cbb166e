/**
 * Splitting a large submit into parts, so the server schedules (and the
 * governors run) the first tasks while the client still encodes the rest.
 *
 * @module
 */
import {
  type PackedObject,
  type PackedTaskSpec,
  packTaskSpec,
} from "../protocol/submit_packing.ts";
import type { DataObject } from "./data_object.ts";
import type { Task } from "./task.ts";

/** Tasks per part of a submit. */
export const PART_TASKS = 2000;

/** One part of a submit: tasks, and the new objects they are the first to use or make. */
export interface SubmitPart {
  /** Packed task specs, in creation order. */
  tasks: PackedTaskSpec[];
  /** Packed new objects, in creation order. */
  objects: PackedObject[];
}

/**
 * Splits a submit into parts of {@linkcode PART_TASKS} tasks, in creation
 * order. Each new object goes with its producer, or else with the first task
 * using it, so every part only refers to objects of earlier submits, earlier
 * parts or itself (a task's inputs exist before the task is created).
 *
 * @param tasks The new tasks, in creation order.
 * @param objects The new objects, in creation order.
 * @param wire What is sent for each of `objects` (packed).
 * @returns The parts (one when the submit is small).
 */
export function splitSubmit(
  tasks: readonly Task[],
  objects: readonly DataObject[],
  wire: PackedObject[],
): SubmitPart[] {
  if (tasks.length <= PART_TASKS) {
    return [{ tasks: tasks.map((t) => packTaskSpec(t.spec)), objects: wire }];
  }
  const parts: SubmitPart[] = [];
  const partOf = new Map<DataObject, number>();
  for (let i = 0; i < tasks.length; i++) {
    const p = Math.floor(i / PART_TASKS);
    if (p === parts.length) parts.push({ tasks: [], objects: [] });
    const t = tasks[i]!;
    parts[p]!.tasks.push(packTaskSpec(t.spec));
    for (const o of t.inputs) if (!partOf.has(o)) partOf.set(o, p);
    for (const o of t.outputs) partOf.set(o, p);
  }
  for (let j = 0; j < objects.length; j++) {
    parts[partOf.get(objects[j]!) ?? 0]!.objects.push(wire[j]!);
  }
  return parts;
}
