/**
 * `Task`: a unit of work in a session's graph.
 *
 * @module
 */
import type { TaskInfo, TaskSpec, TaskState } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";
import type { DataInstance } from "../common/data_instance.ts";
import type { DataObject } from "./data_object.ts";
import { LabeledList } from "./labeled_list.ts";
import type { Session } from "./session.ts";
import { sessionInternal } from "./_session_internal.ts";

/** The outputs of a task until its factory sets them (shared and frozen). */
const NO_OUTPUTS: LabeledList<DataObject> = new LabeledList<DataObject>([], []);
Object.freeze(NO_OUTPUTS);

/** A task: built-in, external program or remote function. */
export class Task {
  /** The session the task belongs to. */
  readonly session: Session;
  /** The task's spec; frozen once submitted. */
  spec: TaskSpec;
  /** Info from the server; `null` until the first refresh after submit. */
  info: TaskInfo | null = null;
  /** Where the task is in its life. */
  state: TaskState = "unsubmitted";
  /** The outputs, in order, with their labels. */
  outputs: LabeledList<DataObject> = NO_OUTPUTS;
  /** The input objects, in order. */
  readonly inputs: readonly DataObject[];

  /**
   * Tasks are made by task factories.
   *
   * @param session The session.
   * @param spec The spec (outputs filled in by the factory).
   * @param inputs The input objects.
   */
  constructor(session: Session, spec: TaskSpec, inputs: readonly DataObject[]) {
    this.session = session;
    this.spec = spec;
    this.inputs = inputs;
  }

  /** The task's name (`""` when unnamed). */
  get name(): string {
    return this.spec.name;
  }

  /** A short description for messages. */
  get description(): string {
    const id = formatId(this.spec.id);
    return this.spec.name
      ? `task "${this.spec.name}" (${this.spec.taskType} ${id})`
      : `${this.spec.taskType} task ${id}`;
  }

  /**
   * The single output.
   *
   * @throws {Error} When the task has zero or several outputs.
   */
  get output(): DataObject {
    const only = this.outputs.length === 1 ? this.outputs[0] : undefined;
    if (!only) {
      throw new Error(
        `${this.description} has ${this.outputs.length} outputs: use .outputs instead of .output`,
      );
    }
    return only;
  }

  /** Keeps every output (before submit). */
  keepOutputs(): void {
    for (const o of this.outputs) o.keep();
  }

  /** Stops keeping every output. */
  async unkeepOutputs(): Promise<void> {
    await Promise.all(this.outputs.map((o) => o.unkeep()));
  }

  /**
   * Fetches every output.
   *
   * @returns The outputs' data in output order.
   */
  fetchOutputs(): Promise<DataInstance[]> {
    return Promise.all(this.outputs.map((o) => o.fetch()));
  }

  /** Waits until the task is finished. */
  async wait(): Promise<void> {
    await this.session.wait([this]);
  }

  /** Refreshes `info` and `state` from the server. */
  async update(): Promise<void> {
    await sessionInternal.update(this.session, [this], []);
  }
}
