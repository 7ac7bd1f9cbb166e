/**
 * `Session`: the scope in which a graph is built, submitted and run.
 *
 * @module
 */
import { ensureCodecsFor } from "../common/optional.ts";
import { DataInstance } from "../common/data_instance.ts";
import { SessionFailedError } from "../common/errors.ts";
import { unpackTar } from "../common/tar.ts";
import type { ObjectUpdate, Reply, TaskUpdate } from "../protocol/client_replies.ts";
import { type Progress, type ProgressOptions, progressReports } from "./progress.ts";
import type { Connection, Request } from "./connection.ts";
import { DataObject } from "./data_object.ts";
import { forgetSession, popSession, pushSession } from "./session_stack.ts";
import { provideSessionInternal } from "./_session_internal.ts";
import type { Task } from "./task.ts";
import { splitSubmit } from "./submit_parts.ts";
import { freezeObjectSpec, freezeTaskSpec } from "./freeze.ts";
import type { PackedObject } from "../protocol/submit_packing.ts";
import { prepareObjects } from "./constants.ts";
import { fetchObjectBytes, ObjectHashError } from "../protocol/data_plane.ts";
import { setImmediate } from "node:timers";

/** Attempts of `fetch()` when the governor holding the object does not answer. */
const FETCH_ATTEMPTS = 5;

/** Session lifecycle as seen by the client. */
export type SessionState = "open" | "failed" | "closed";

/** A session: tasks and objects created while it is active belong to it. */
export class Session {
  /** The session's name, shown in the dashboard. */
  readonly name: string;
  /** Lifecycle state. */
  state: SessionState = "open";
  #id = -1;
  readonly #conn: Connection;
  readonly #created: Promise<number>;
  #next = 0;
  #error: SessionFailedError | null = null;
  #pendingTasks: Task[] = [];
  #pendingObjects: DataObject[] = [];
  #submittedTasks: Task[] = [];
  #submitting: Promise<void> = Promise.resolve();

  static {
    provideSessionInternal({
      open: (conn, name) => new Session(conn, name),
      nextNumber: (s) => {
        s.#checkUsable();
        return s.#next++;
      },
      addTask: (s, t) => s.#pendingTasks.push(t),
      addObject: (s, o) => s.#pendingObjects.push(o),
      checkUsable: (s) => s.#checkUsable(),
      activate: (s) => pushSession(s),
      update: (s, tasks, objects) => s.#update(tasks, objects),
      unkeep: (s, objects) => s.#unkeep(objects),
      fetch: (s, o) => s.#fetch(o),
    });
  }

  /** Sessions are made by `client.newSession()`. */
  private constructor(conn: Connection, name: string) {
    this.#conn = conn;
    this.name = name;
    this.#created = conn.request({ type: "newSession", name }).then((id) => {
      if (this.state !== "closed") conn.onSessionFailed(id, (message) => this.#failed(message));
      return this.#id = id;
    });
    this.#created.catch(() => {});
  }

  /** The session id; final once the session exists on the server (-1 before). */
  get id(): number {
    return this.#id;
  }

  /**
   * Binds the session as active for a block without closing it afterwards.
   *
   * @example Create tasks in an existing session
   * ```ts ignore
   * { using _ = session.bindOnly(); tasks.concat([a, b]); }
   * ```
   *
   * @returns A disposable that pops exactly this binding.
   */
  bindOnly(): Disposable {
    this.#checkUsable();
    pushSession(this);
    return { [Symbol.dispose]: () => popSession(this) };
  }

  /**
   * Sends every task and object created since the last submit to the server.
   *
   * @throws {SessionFailedError} When the session has failed.
   */
  submit(): Promise<void> {
    const run = this.#submitting.then(() => this.#submit());
    this.#submitting = run.catch(() => {});
    return run;
  }

  async #submit(): Promise<void> {
    this.#checkUsable();
    const tasks = this.#pendingTasks;
    const objects = this.#pendingObjects;
    this.#pendingTasks = [];
    this.#pendingObjects = [];
    let wire: PackedObject[];
    try {
      wire = await this.#prepare(objects);
    } catch (e) {
      // Nothing reached the server: the graph stays pending for the next submit.
      this.#pendingTasks = tasks.concat(this.#pendingTasks);
      this.#pendingObjects = objects.concat(this.#pendingObjects);
      throw e;
    }
    for (const t of tasks) t.spec.id[0] = this.#id;
    // From here on keep() throws: the keep flags are on their way.
    for (const o of objects) o.state = o.producer ? "submitted" : "finished";
    for (const t of tasks) t.state = "submitted";
    // A rejected submit fails the session on the server (SessionFailedError).
    // Parts leave in frames of their own, one per event-loop turn.
    const parts = splitSubmit(tasks, objects, wire);
    // Frozen before anything leaves: a submitted spec is immutable, also
    // through references taken before the submit.
    for (const t of tasks) freezeTaskSpec(t.spec);
    for (const o of objects) freezeObjectSpec(o.spec);
    const replies: Promise<null>[] = [];
    for (let k = 0; k < parts.length; k++) {
      // A part the server refused failed the session: the rest is not sent.
      if (this.#error) break;
      const more = k < parts.length - 1;
      const reply = this.#call({ type: "submit", session: this.#id, ...parts[k]!, more });
      replies.push(reply);
      if (!more) break;
      reply.catch(() => {}); // awaited below, with the others
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(replies);
    for (const o of objects) o.data = null;
    for (const t of tasks) this.#submittedTasks.push(t);
  }

  /** Fills in ids, and gets the constants' data on its way (`constants.ts`). */
  async #prepare(objects: DataObject[]): Promise<PackedObject[]> {
    const id = await this.#created;
    for (const o of objects) o.spec.id[0] = id;
    return await prepareObjects(this.#conn, objects);
  }

  /**
   * Waits until the given tasks and objects are finished, then refreshes their state and info.
   *
   * @param items Tasks and objects of this session.
   */
  async wait(items: readonly (Task | DataObject)[]): Promise<void> {
    const { tasks, objects } = this.#split(items);
    await this.#submitting;
    const value = await this.#call({
      type: "wait",
      session: this.#id,
      tasks: tasks.map((t) => t.spec.id[1]),
      objects: objects.map((o) => o.spec.id[1]),
    });
    applyUpdates(tasks, objects, value);
  }

  /** Waits until every submitted task is finished. */
  async waitAll(): Promise<void> {
    this.#checkUsable();
    await this.#submitting;
    if (this.#id < 0) await this.#created;
    await this.#call({ type: "waitAll", session: this.#id });
    for (const t of this.#submittedTasks) if (t.state !== "failed") t.state = "finished";
  }

  /**
   * Reports the progress of the submitted tasks: their counts per state, at
   * once and then whenever they change (read at most every `intervalMs`),
   * ending with a report marked `done` once every task finished or the
   * session failed. Start it after `submit()`.
   *
   * @example Print progress
   * ```ts ignore
   * await session.submit();
   * for await (const p of session.progress()) console.log(`${p.finished}/${p.total}`);
   * ```
   *
   * @param options How often to read the server; a signal to stop early.
   * @returns The reports.
   */
  progress(options?: ProgressOptions): AsyncGenerator<Progress> {
    return progressReports(async () => {
      await this.#submitting;
      if (this.#id < 0) await this.#created;
      return await this.#conn.request({ type: "progress", session: this.#id });
    }, options);
  }

  /**
   * Calls `callback` with each progress report (see {@linkcode Session.progress}).
   *
   * @example Log progress while waiting
   * ```ts ignore
   * session.onProgress((p) => console.log(`${p.finished}/${p.total} finished`));
   * await session.waitAll();
   * ```
   *
   * @param callback Receives the reports.
   * @param options How often to read the server; a signal to stop early.
   * @returns Resolves with the last report (rejects if the server could not be read).
   */
  async onProgress(callback: (p: Progress) => void, options?: ProgressOptions): Promise<Progress> {
    let last: Progress | undefined;
    for await (const p of this.progress(options)) callback(last = p);
    return last!;
  }

  /**
   * Closes the session on the server and removes it from the session stack.
   * Never throws.
   */
  async close(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "closed";
    forgetSession(this);
    try {
      const id = await this.#created;
      this.#conn.onSessionFailed(id, null);
      await this.#conn.request({ type: "closeSession", session: id });
    } catch {
      // Closing never throws: a lost connection closes the session on the server too.
    }
  }

  /** Closes the session (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #update(tasks: Task[], objects: DataObject[]): Promise<void> {
    this.#split([...tasks, ...objects]);
    await this.#submitting;
    const value = await this.#call({
      type: "update",
      session: this.#id,
      tasks: tasks.map((t) => t.spec.id[1]),
      objects: objects.map((o) => o.spec.id[1]),
    });
    applyUpdates(tasks, objects, value);
  }

  async #unkeep(objects: DataObject[]): Promise<void> {
    this.#checkUsable();
    await this.#submitting;
    const told = this.#call(
      { type: "unkeep", session: this.#id, ids: objects.map((o) => o.spec.id[1]) },
      true,
    );
    // A closed connection throws here, as every request does.
    if (this.#conn.closed) {
      await told;
      return;
    }
    // Told at once (in the next frame, which leaves by the next turn of the
    // event loop), but not waited for: a round trip less per unkeep. The one
    // refusal the server can answer is a failed session, which it has already
    // announced (sessionFailed) unless it failed meanwhile; then #call records
    // the error and the session's next use throws it.
    told.catch(() => {});
  }

  async #fetch(o: DataObject): Promise<DataInstance> {
    this.#split([o]);
    if (!o.isKept()) {
      throw new Error(`Cannot fetch ${o.description}: it is not kept (call keep() before submit)`);
    }
    await this.#submitting;
    let reply: Reply<"fetch">;
    let data: Uint8Array | undefined;
    for (let attempt = 1;; attempt++) {
      reply = await this.#call({ type: "fetch", session: this.#id, id: o.spec.id[1] });
      try {
        data = reply.data ??
          await fetchObjectBytes(
            reply.location!,
            o.spec.id,
            this.#conn.dataAccess,
            reply.info.hash,
          );
        break;
      } catch (e) {
        if (e instanceof ObjectHashError) {
          // That copy is corrupt: the server drops it and has the object recomputed (the
          // next fetch waits for it), or fails the session when it cannot (this throws).
          await this.#call({
            type: "corrupt",
            session: this.#id,
            id: o.spec.id[1],
            location: e.location,
            error: e.message,
          });
          if (attempt >= FETCH_ATTEMPTS) throw e;
          continue;
        }
        // The holder may have just been lost: the server recomputes the object; ask again.
        if (attempt >= FETCH_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    o.info = reply.info;
    o.state = "finished";
    const instance = new DataInstance(o.spec, o.info, data, unpackTar);
    await ensureCodecsFor(instance.contentType); // so that load() is synchronous
    return instance;
  }

  #split(items: readonly (Task | DataObject)[]): { tasks: Task[]; objects: DataObject[] } {
    this.#checkUsable();
    const tasks: Task[] = [];
    const objects: DataObject[] = [];
    for (const item of items) {
      if (item.session !== this) {
        throw new Error(`Cannot use ${item.description} here: it belongs to another session`);
      }
      if (item.state === "unsubmitted") {
        throw new Error(`Cannot wait for ${item.description}: it was not submitted`);
      }
      if (item instanceof DataObject) objects.push(item);
      else tasks.push(item);
    }
    return { tasks, objects };
  }

  /** The server said the session failed. */
  #failed(message: string): void {
    this.#error ??= new SessionFailedError(message);
    if (this.state === "open") this.state = "failed";
  }

  #checkUsable(): void {
    if (this.state === "closed") throw new Error(`Session ${this.#id} is closed`);
    if (this.#error) throw new SessionFailedError(this.#error.message, { cause: this.#error });
  }

  async #call<M extends Request>(m: M, later = false): Promise<Reply<M["type"]>> {
    try {
      return await this.#conn.request(m, later);
    } catch (e) {
      if (e instanceof SessionFailedError) {
        this.#error ??= e;
        this.state = "failed";
      }
      throw e;
    }
  }
}

function applyUpdates(
  tasks: Task[],
  objects: DataObject[],
  value: { tasks: TaskUpdate[]; objects: ObjectUpdate[] },
): void {
  value.tasks.forEach((u, i) => {
    tasks[i]!.state = u.state;
    tasks[i]!.info = u.info;
  });
  value.objects.forEach((u, i) => {
    objects[i]!.state = u.state;
    objects[i]!.info = u.info;
  });
}
