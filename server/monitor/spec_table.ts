/**
 * The specs of one session's tasks and objects as the monitor keeps them
 * for the task inspector: not one spec object per task (a spec with its id,
 * input and output arrays costs hundreds of bytes, and a session can hold
 * millions of tasks), but what tasks share (type, config, cpus, name, user
 * values, input labels) interned as a shape, and per task its shape and the
 * numbers of its inputs and outputs in flat integer columns. Objects
 * likewise: a shape (label, content type, data type, keep, user values) per
 * object number.
 *
 * @module
 */
import { isEmptyRecord, type ObjectSpec, type TaskSpec } from "../../common/attributes.ts";
import type { SubmittedObject } from "../events/event_map.ts";

/** What tasks of one kind share. */
interface TaskShape {
  taskType: string;
  config: unknown;
  resources: TaskSpec["resources"];
  name: string;
  user: Record<string, unknown>;
  labels: string[];
  outputs: number;
}

/** What objects of one kind share. */
interface ObjectShape {
  label: string;
  contentType: string;
  dataType: ObjectSpec["dataType"];
  user: Record<string, unknown>;
  keep: boolean;
  /** A constant (its size came with the submit). */
  constant: boolean;
}

/** Most distinct shapes looked up by key; beyond it new shapes are still made, unshared. */
const MAX_KEYED = 10_000;

function grow(a: Int32Array, n: number): Int32Array {
  if (n < a.length) return a;
  // By half: a column spans every number of a session, and millions of them waste a lot at 2×.
  const cap = Math.max(n + 1, Math.ceil(a.length * 1.5), 64);
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** Interns shapes: the last one (tasks come in runs), then a key for plain ones. */
class Shapes<T> {
  readonly list: T[] = [];
  readonly #byKey = new Map<string, number>();
  #last = -1;

  /** The number of a shape, made from `make` when `same` rejects the last one and `key` finds none. */
  intern(same: (s: T) => boolean, key: () => string | null, make: () => T): number {
    if (this.#last >= 0 && same(this.list[this.#last]!)) return this.#last;
    const k = this.#byKey.size < MAX_KEYED ? key() : null;
    let i = k === null ? undefined : this.#byKey.get(k);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(make());
      if (k !== null) this.#byKey.set(k, i);
    }
    return this.#last = i;
  }
}

/** Task and object specs of one session, compact. */
export class SpecTable {
  /** The session, for the ids of rebuilt specs. */
  readonly #session: number;
  readonly #taskShapes = new Shapes<TaskShape>();
  readonly #objectShapes = new Shapes<ObjectShape>();
  /** Shape + 1 of each task number (0: no task). */
  #taskShape: Int32Array = new Int32Array(0);
  /** Where each task's input and output numbers start in `#edges`. */
  #edgeStart: Int32Array = new Int32Array(0);
  #edges: Int32Array = new Int32Array(1024);
  #edgeCount = 0;
  /** Shape + 1 of each object number (0: no object). */
  #objectShape: Int32Array = new Int32Array(0);

  /**
   * @param session The session's id.
   */
  constructor(session: number) {
    this.#session = session;
  }

  /**
   * Adds a task.
   *
   * @param spec Its spec.
   */
  addTask(spec: TaskSpec): void {
    const n = spec.id[1];
    const plain = (spec.config === null || spec.config === undefined) && isEmptyRecord(spec.user);
    const shape = this.#taskShapes.intern(
      (s) =>
        s.taskType === spec.taskType && s.name === spec.name && s.config === spec.config &&
        s.resources.cpus === spec.resources.cpus && s.user === spec.user &&
        s.outputs === spec.outputs.length && sameLabels(s.labels, spec.inputs),
      () =>
        plain
          ? [
            spec.taskType,
            spec.name,
            String(spec.config),
            spec.resources.cpus,
            spec.outputs.length,
          ]
            .concat(spec.inputs.map((i) => i.label)).join("\0")
          : null,
      () => ({
        taskType: spec.taskType,
        config: spec.config,
        resources: spec.resources,
        name: spec.name,
        user: spec.user,
        labels: spec.inputs.map((i) => i.label),
        outputs: spec.outputs.length,
      }),
    );
    this.#taskShape = grow(this.#taskShape, n);
    this.#edgeStart = grow(this.#edgeStart, n);
    this.#taskShape[n] = shape + 1;
    this.#edgeStart[n] = this.#edgeCount;
    this.#edges = grow(this.#edges, this.#edgeCount + spec.inputs.length + spec.outputs.length);
    for (const i of spec.inputs) this.#edges[this.#edgeCount++] = i.id[1];
    for (const o of spec.outputs) this.#edges[this.#edgeCount++] = o[1];
  }

  /**
   * Adds an object.
   *
   * @param o The object as submitted.
   */
  addObject(o: SubmittedObject): void {
    const { spec, keep } = o;
    const constant = o.size !== undefined;
    const shape = this.#objectShapes.intern(
      (s) =>
        s.label === spec.label && s.contentType === spec.contentType &&
        s.dataType === spec.dataType && s.user === spec.user && s.keep === keep &&
        s.constant === constant,
      () =>
        isEmptyRecord(spec.user)
          ? [spec.label, spec.contentType, spec.dataType, keep, constant].join("\0")
          : null,
      () => ({
        label: spec.label,
        contentType: spec.contentType,
        dataType: spec.dataType,
        user: spec.user,
        keep,
        constant,
      }),
    );
    this.#objectShape = grow(this.#objectShape, spec.id[1]);
    this.#objectShape[spec.id[1]] = shape + 1;
  }

  /**
   * A task's requested cpus.
   *
   * @param n The task (known).
   * @returns Its cpus.
   */
  cpus(n: number): number {
    return this.#taskShapes.list[this.#taskShape[n]! - 1]!.resources.cpus;
  }

  /**
   * A task's spec, rebuilt.
   *
   * @param n The task.
   * @returns Its spec, or `undefined` when the session has no such task.
   */
  task(n: number): TaskSpec | undefined {
    const shape = this.#taskShapes.list[(this.#taskShape[n] ?? 0) - 1];
    if (!shape) return undefined;
    const session = this.#session;
    let k = this.#edgeStart[n]!;
    return {
      id: [session, n],
      taskType: shape.taskType,
      config: shape.config,
      inputs: shape.labels.map((label) => ({ id: [session, this.#edges[k++]!], label })),
      outputs: Array.from({ length: shape.outputs }, () => [session, this.#edges[k++]!]),
      resources: shape.resources,
      name: shape.name,
      user: shape.user,
    };
  }

  /**
   * An object's spec and keep flag, rebuilt.
   *
   * @param n The object.
   * @returns The object, or `undefined` when the session has no such object.
   */
  object(n: number): (SubmittedObject & { constant: boolean }) | undefined {
    const shape = this.#objectShapes.list[(this.#objectShape[n] ?? 0) - 1];
    if (!shape) return undefined;
    const { label, contentType, dataType, user } = shape;
    return {
      spec: { id: [this.#session, n], label, contentType, dataType, user },
      keep: shape.keep,
      constant: shape.constant,
    };
  }

  /**
   * An object's declared content type.
   *
   * @param n The object (known).
   * @returns Its content type.
   */
  contentType(n: number): string {
    return this.#objectShapes.list[this.#objectShape[n]! - 1]!.contentType;
  }

  /**
   * Whether an object is a constant.
   *
   * @param n The object (known).
   * @returns `true` for a constant.
   */
  isConstant(n: number): boolean {
    return this.#objectShapes.list[this.#objectShape[n]! - 1]!.constant;
  }
}

function sameLabels(labels: string[], inputs: TaskSpec["inputs"]): boolean {
  if (labels.length !== inputs.length) return false;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== inputs[i]!.label) return false;
  return true;
}
