/**
 * One connected client: answers its requests against the coordinator and
 * closes its sessions when it disconnects.
 *
 * @module
 */
import { formatId } from "../common/attributes.ts";
import { RainError } from "../common/errors.ts";
import {
  type RequestType,
  type ServerToClientMessage,
  validateClientMessage,
  type ValidClientMessage,
} from "../protocol/client.ts";
import type {
  GovernorSummary,
  ObjectUpdate,
  ProgressReply,
  Reply,
  TaskUpdate,
} from "../protocol/client_replies.ts";
import { decodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { Outbox } from "../protocol/outbox.ts";
import type { WsConnection } from "../runtime/types.ts";
import type { Coordinator } from "./coordinator.ts";
import type { Monitor } from "./monitor/monitor.ts";
import { archivedObjectInfo, archivedTaskInfo } from "./monitor/infos.ts";
import type { ObjectNode, SessionState, TaskNode, Waiter } from "./model.ts";
import type { PeerContext } from "./peer.ts";

/** What the open submit of a session (the parts so far) carries, for the limits. */
interface SubmitTally {
  tasks: number;
  objects: number;
  bytes: number;
}

/** A connected client. */
export class ClientLink {
  /** The client's `host:port` (`""` when the host serving the app does not say). */
  readonly address: string;
  readonly #outbox: Outbox<ServerToClientMessage>;
  readonly #conn: WsConnection;
  readonly #coordinator: Coordinator;
  readonly #monitor: Monitor;
  readonly #sessions = new Set<SessionState>();
  readonly #context: PeerContext;
  /** Per session with a submit in parts: what its parts so far carry. */
  readonly #submits = new Map<SessionState, SubmitTally>();
  #greeted = false;
  /**
   * Contents (`dataType:hash`) this client was told a governor holds already:
   * the constants it then submits say that their data was not sent.
   */
  readonly contentHits: Set<string> = new Set();
  #malformed = 0;

  /**
   * @param conn The client's WebSocket.
   * @param coordinator The server state.
   * @param context The data secret, limits, log and the peer's address.
   * @param address The client's `host:port`.
   * @param monitor The monitor, which counts each session's tasks per state (for `progress`)
   *   and remembers the infos of archived tasks and objects.
   */
  constructor(
    conn: WsConnection,
    coordinator: Coordinator,
    context: PeerContext,
    address: string,
    monitor: Monitor,
  ) {
    this.address = address;
    this.#monitor = monitor;
    this.#conn = conn;
    this.#coordinator = coordinator;
    this.#context = context;
    this.#outbox = new Outbox((frame) => conn.send(frame));
  }

  /**
   * Handles one received frame.
   *
   * @param data The frame.
   */
  onFrame(data: Uint8Array | string): void {
    let messages: unknown[];
    try {
      messages = decodeFrame(data);
    } catch (e) {
      return this.#protocolError((e as Error).message);
    }
    for (const raw of messages) {
      let m: ValidClientMessage;
      try {
        m = validateClientMessage(raw);
      } catch (e) {
        return this.#protocolError((e as Error).message);
      }
      if (m.type === "hello") {
        if (m.version !== PROTOCOL_VERSION) {
          return this.#protocolError(
            `Protocol version ${m.version} is not supported (server speaks ${PROTOCOL_VERSION})`,
            true,
          );
        }
        this.#greeted = true;
        const { dataToken } = this.#context;
        this.#outbox.push(
          dataToken === null
            ? { type: "welcome", version: PROTOCOL_VERSION }
            : { type: "welcome", version: PROTOCOL_VERSION, dataToken },
        );
        continue;
      }
      if (!this.#greeted) return this.#protocolError("Expected a hello message first");
      try {
        this.#handle(m);
      } catch (e) {
        const err = e instanceof RainError ? e : new RainError(String((e as Error).message ?? e));
        this.#outbox.push({ type: "error", rid: m.rid, message: err.message, code: err.code });
      }
    }
  }

  /**
   * Tells the client that one of its sessions failed, ahead of any reply that
   * reports it: the client then knows without asking (its `unkeep()` does not
   * wait for a reply).
   *
   * @param s The failed session.
   */
  sessionFailed(s: SessionState): void {
    this.#outbox.push({ type: "sessionFailed", session: s.id, message: s.error });
  }

  /** Closes the connection (its sessions close in {@linkcode ClientLink.onClose}). */
  close(): void {
    this.#conn.close();
  }

  /** Cleans up after the connection closed: every session of the client is closed. */
  onClose(): void {
    for (const s of this.#sessions) this.#coordinator.closeSession(s);
    this.#sessions.clear();
    this.#submits.clear();
  }

  /**
   * Answers a malformed frame with a protocol error; the one that reaches
   * the `malformedFrames` limit (or a `fatal` one, such as a wrong version)
   * also closes the connection. The rest of the frame is dropped either way.
   */
  #protocolError(message: string, fatal = false): void {
    const { limits, log, peer } = this.#context;
    const last = ++this.#malformed >= limits.malformedFrames || fatal;
    log(`Protocol error from client at ${peer}: ${message}`);
    this.#outbox.push({
      type: "error",
      rid: 0,
      message: `Protocol error: ${message}`,
      code: "PROTOCOL",
    });
    this.#outbox.flush();
    if (last) this.#conn.close(1002, "protocol error");
  }

  /**
   * Adds a part to its submit's tally and checks the submit's limits.
   *
   * @throws {RainError} When the submit so far exceeds one.
   */
  #checkSubmitLimits(
    s: SessionState,
    tasks: number,
    objects: readonly { data?: Uint8Array }[],
    more: boolean,
  ): void {
    const tally = this.#submits.get(s) ?? { tasks: 0, objects: 0, bytes: 0 };
    tally.tasks += tasks;
    tally.objects += objects.length;
    for (const o of objects) tally.bytes += o.data?.length ?? 0;
    if (more) this.#submits.set(s, tally);
    else this.#submits.delete(s);
    const limits = this.#context.limits;
    const over = (count: number, limit: number, what: string, name: string) => {
      if (count <= limit) return;
      this.#submits.delete(s);
      throw new RainError(
        `Invalid submit to session ${s.id}: it has ${count} ${what}, more than the server's ` +
          `limit of ${limit} (${name})`,
        "LIMIT",
      );
    };
    over(tally.tasks, limits.tasksPerSubmit, "tasks", "tasksPerSubmit");
    over(tally.objects, limits.objectsPerSubmit, "objects", "objectsPerSubmit");
    over(
      tally.bytes,
      limits.constantBytesPerSubmit,
      "bytes of constants",
      "constantBytesPerSubmit",
    );
  }

  /** Answers a request; the value has the type the client checks its reply against. */
  #reply<K extends RequestType>(m: { type: K; rid: number }, value: Reply<K>): void {
    this.#outbox.push({ type: "reply", rid: m.rid, value });
  }

  #waiter<K extends RequestType>(m: { type: K; rid: number }, value: () => Reply<K>): Waiter {
    const rid = m.rid;
    return {
      remaining: 0,
      done: () => {
        try {
          this.#reply(m, value());
        } catch (e) {
          const err = e as RainError;
          this.#outbox.push({ type: "error", rid, message: err.message, code: err.code ?? "RAIN" });
        }
      },
      fail: (message, code) => this.#outbox.push({ type: "error", rid, message, code }),
    };
  }

  #taskUpdate(s: SessionState, t: TaskNode | number): TaskUpdate {
    if (typeof t === "number") {
      return { n: t, state: "finished", info: archivedTaskInfo(this.#monitor, s.id, t) };
    }
    const state = t.state === "finished" || t.state === "failed" || t.state === "running"
      ? t.state
      : "submitted";
    return { n: t.spec.id[1], state, info: t.info };
  }

  #objectUpdate(s: SessionState, o: ObjectNode | number): ObjectUpdate {
    if (typeof o === "number") {
      const info = { ...archivedObjectInfo(this.#monitor, s.id, o), governor: "" };
      return { n: o, state: "removed", info };
    }
    const state = o.state === "waiting" ? "submitted" : o.state;
    const info = o.info && { ...o.info, governor: o.locations[0]?.id ?? "" };
    return { n: o.spec.id[1], state, info };
  }

  #handle(m: Exclude<ValidClientMessage, { type: "hello" }>): void {
    const c = this.#coordinator;
    switch (m.type) {
      case "newSession": {
        const max = this.#context.limits.sessionsPerClient;
        if (this.#sessions.size >= max) {
          throw new RainError(
            `Cannot open a session: this client has ${this.#sessions.size} open sessions, ` +
              `the server's limit (sessionsPerClient); close some first`,
            "LIMIT",
          );
        }
        const s = c.newSession(this, m.name);
        this.#sessions.add(s);
        return this.#reply(m, s.id);
      }
      case "submit": {
        const s = c.session(this, m.session);
        try {
          this.#checkSubmitLimits(s, m.tasks.length, m.objects, m.more === true);
          c.submit(s, m.tasks, m.objects, m.more);
        } catch (e) {
          // An invalid graph fails its session, like a failing task would.
          this.#submits.delete(s);
          c.failSession(s, (e as Error).message);
          throw new RainError(s.error, "SESSION_FAILED");
        }
        return this.#reply(m, null);
      }
      case "wait": {
        const s = c.session(this, m.session);
        const tasks = m.tasks.map((n) => task(s, n));
        const objects = m.objects.map((n) => object(s, n));
        // Archived items are finished (tasks) or freed (objects): nothing to wait for.
        return c.wait(
          s,
          tasks.filter((t) => typeof t !== "number"),
          objects.filter((o) => typeof o !== "number"),
          this.#waiter(m, () => ({
            tasks: tasks.map((t) => this.#taskUpdate(s, t)),
            objects: objects.map((o) => this.#objectUpdate(s, o)),
          })),
        );
      }
      case "waitAll": {
        const s = c.session(this, m.session);
        return c.waitAll(s, this.#waiter(m, () => null));
      }
      case "fetch": {
        const s = c.session(this, m.session);
        const o = object(s, m.id);
        if (typeof o === "number" || !o.keep) {
          throw new RainError(
            `Object ${formatId([s.id, m.id])} is not kept: call keep() before submit to fetch it`,
            "NOT_KEPT",
          );
        }
        return c.wait(s, [], [o], this.#waiter(m, () => c.fetchable(o)));
      }
      case "corrupt": {
        const s = c.session(this, m.session);
        const o = object(s, m.id);
        // An archived object has no copies left to drop.
        const failed = typeof o === "number" ? "" : c.corruptCopy(o, m.location, m.error);
        if (failed) throw new RainError(failed, "SESSION_FAILED");
        return this.#reply(m, null);
      }
      case "unkeep": {
        const s = c.session(this, m.session);
        for (const n of m.ids) {
          const o = object(s, n);
          if (typeof o !== "number") c.unkeep(o);
        }
        return this.#reply(m, null);
      }
      case "update": {
        const s = c.session(this, m.session);
        const tasks: TaskUpdate[] = m.tasks.map((n) => this.#taskUpdate(s, task(s, n)));
        const objects: ObjectUpdate[] = m.objects.map((n) => this.#objectUpdate(s, object(s, n)));
        return this.#reply(m, { tasks, objects });
      }
      case "closeSession": {
        const s = c.sessions.get(m.session);
        if (s && s.client === this) {
          c.closeSession(s);
          this.#sessions.delete(s);
          this.#submits.delete(s);
        }
        return this.#reply(m, null);
      }
      case "progress": {
        // A failed session still has counts to show: looked up without c.session()'s check.
        const s = c.sessions.get(m.session);
        const counts = s?.client === this ? this.#monitor.progress(s.id) : undefined;
        if (!s || !counts) throw new RainError(`Session ${m.session} is not open`, "NO_SESSION");
        const reply: ProgressReply = { ...counts, state: s.state === "failed" ? "failed" : "open" };
        return this.#reply(m, reply);
      }
      case "serverInfo":
        return this.#reply(m, {
          governors: governorSummaries(c),
          contents: c.contents.summary(),
        });
      case "contents": {
        const plans = c.contents.plan(m.items, c.scheduler.governors);
        for (let i = 0; i < plans.length; i++) {
          const key = `${m.items[i]!.dataType}:${m.items[i]!.hash}`;
          if (plans[i]!.upload) this.contentHits.delete(key);
          else this.contentHits.add(key);
        }
        return this.#reply(m, plans);
      }
    }
  }
}

/** A task's node, or its number when it is archived (finished). */
function task(s: SessionState, n: number): TaskNode | number {
  const t = s.tasks.get(n);
  if (t) return t;
  if (s.archive.hasTask(n)) return n;
  throw new RainError(`Task ${s.id}/${n} is not in session ${s.id}`, "UNKNOWN_ID");
}

/** An object's node, or its number when it is archived (freed). */
function object(s: SessionState, n: number): ObjectNode | number {
  const o = s.objects.get(n);
  if (o) return o;
  if (s.archive.hasObject(n)) return n;
  throw new RainError(`Object ${s.id}/${n} is not in session ${s.id}`, "UNKNOWN_ID");
}

/**
 * Lists the connected governors for `serverInfo`.
 *
 * @param c The coordinator.
 * @returns One summary per governor.
 */
export function governorSummaries(c: Coordinator): GovernorSummary[] {
  return c.scheduler.governors.map((g) => {
    const objects = [...g.objects].map((o) => o.spec.id);
    // Outputs of the tasks it runs are listed too, as Rain did: the governor is producing them.
    for (const t of g.tasks) {
      for (const o of t.outputs) if (!g.objects.has(o)) objects.push(o.spec.id);
    }
    return {
      id: g.id,
      cpus: g.cpus,
      tasks: [...g.tasks].map((t) => t.spec.id),
      objects,
      memory: g.memory,
    };
  });
}
