/**
 * `DataObject`: a blob or directory in a session's graph.
 *
 * @module
 */
import type { ObjectInfo, ObjectSpec, ObjectState } from "../common/attributes.ts";
import { formatId } from "../common/attributes.ts";
import type { DataInstance } from "../common/data_instance.ts";
import type { Session } from "./session.ts";
import type { Task } from "./task.ts";
import { sessionInternal } from "./_session_internal.ts";

/** A data object: a constant, a directory from the client, or a task output. */
export class DataObject {
  /** The session the object belongs to. */
  readonly session: Session;
  /** The object's spec; frozen once submitted. */
  spec: ObjectSpec;
  /** Info from the server; `null` until the first refresh after submit. */
  info: ObjectInfo | null = null;
  /** Where the object is in its life. */
  state: ObjectState = "unsubmitted";
  /** The producing task, `null` for constants. */
  readonly producer: Task | null;
  /** Data of a constant (sent with the submit, or uploaded; dropped once submitted). */
  data: Uint8Array | null;
  /** For `directory()`: the client path read at submit. */
  readonly sourcePath: string | null;
  /** For a constant whose encoder is imported on first use: makes its data at submit. */
  readonly encodeLater: (() => Promise<Uint8Array>) | null;
  #kept = false;

  /**
   * Objects are made by `blob()`, `directory()` and task factories.
   *
   * @param session The session.
   * @param spec The spec.
   * @param producer The producing task.
   * @param data Constant data.
   * @param sourcePath A client directory to read at submit.
   * @param encodeLater Makes a constant's data at submit.
   */
  constructor(
    session: Session,
    spec: ObjectSpec,
    producer: Task | null,
    data: Uint8Array | null = null,
    sourcePath: string | null = null,
    encodeLater: (() => Promise<Uint8Array>) | null = null,
  ) {
    this.session = session;
    this.spec = spec;
    this.producer = producer;
    this.data = data;
    this.sourcePath = sourcePath;
    this.encodeLater = encodeLater;
  }

  /**
   * Adds this new object to its session's next submit (internal, for constructors).
   *
   * @returns This object.
   */
  registered(): this {
    sessionInternal.addObject(this.session, this);
    return this;
  }

  /** A short description for messages: `object 3/7 ("label")`. */
  get description(): string {
    return `object ${formatId(this.spec.id)} ("${this.spec.label}")`;
  }

  /**
   * Keeps the object after the tasks that need it finish, so it can be
   * fetched and used by later submits. Only before submit.
   *
   * @throws {Error} After submit.
   */
  keep(): void {
    if (this.state !== "unsubmitted") {
      throw new Error(`Cannot keep ${this.description}: keep() is only allowed before submit`);
    }
    this.#kept = true;
  }

  /**
   * Whether the object is kept.
   *
   * @returns `true` when kept.
   */
  isKept(): boolean {
    return this.#kept;
  }

  /**
   * Stops keeping the object; the server is told at once.
   *
   * @throws {SessionFailedError} When the session has failed (also when the
   *   object is no longer kept), as every use of a failed session does.
   */
  async unkeep(): Promise<void> {
    sessionInternal.checkUsable(this.session);
    if (!this.#kept) return;
    this.#kept = false;
    if (this.state !== "unsubmitted") await sessionInternal.unkeep(this.session, [this]);
  }

  /**
   * Waits for the object and downloads its data. The object must be kept.
   *
   * @returns The data with its spec and info.
   */
  fetch(): Promise<DataInstance> {
    return sessionInternal.fetch(this.session, this);
  }

  /** Waits until the object is finished. */
  async wait(): Promise<void> {
    await this.session.wait([this]);
  }

  /** Refreshes `info` and `state` from the server. */
  async update(): Promise<void> {
    await sessionInternal.update(this.session, [], [this]);
  }
}
