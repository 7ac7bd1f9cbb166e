/**
 * The server's view of one connected governor: its cpus and load (which it
 * owns: a task's cpus count from {@linkcode GovernorLink.claim} to
 * {@linkcode GovernorLink.release}), what it holds (changed only by
 * `locations.ts`), and a batching sender.
 *
 * @module
 */
import type { ServerToGovernorMessage } from "../protocol/governor.ts";
import type { EventLog } from "./events/event_log.ts";
import { Outbox } from "../protocol/outbox.ts";
import { directSender } from "../protocol/direct_frame.ts";
import type { WsConnection } from "../runtime/types.ts";
import type { ObjectNode, TaskNode } from "./model.ts";

/** One connected governor. */
export class GovernorLink {
  /** The governor's id, its data address `host:port`. */
  readonly id: string;
  /** Its cpus. */
  readonly cpus: number;
  /** Objects it holds (changed only by `locations.ts`). */
  readonly objects: Set<ObjectNode> = new Set();
  /** Bytes of the objects it holds (changed only by `locations.ts`). */
  memory = 0;
  readonly #tasks = new Set<TaskNode>();
  #load = 0;
  /** When the governor was last heard from (epoch ms). */
  lastSeen: number = Date.now();
  /** Set once the governor is declared lost. */
  lost = false;
  /** The event stream (`locations.ts` emits the objects stored here and dropped). */
  readonly events: EventLog;
  /** Resident memory last reported in an event, and when. */
  #memory = { bytes: -1, at: 0 };
  readonly #outbox: Outbox<ServerToGovernorMessage>;
  readonly #conn: WsConnection;
  /** Objects to free, sent as the last messages of the next frame. */
  #frees: ObjectNode[] = [];

  /**
   * @param id The governor's `host:port`.
   * @param cpus Its cpus.
   * @param conn Its WebSocket connection.
   * @param events The event stream (objects stored and dropped are emitted).
   */
  constructor(id: string, cpus: number, conn: WsConnection, events: EventLog) {
    this.id = id;
    this.cpus = cpus;
    this.#conn = conn;
    this.events = events;
    this.#outbox = new Outbox(
      (frame) => conn.send(frame),
      () => this.#pushFrees(),
      directSender(conn),
    );
  }

  /**
   * Queues a message to the governor.
   *
   * @param m The message.
   */
  send(m: ServerToGovernorMessage): void {
    this.#outbox.push(m);
  }

  /**
   * Queues freeing a removed object on the governor. Frees gathered until
   * the next frame leaves (nobody waits for them: by the next turn of the
   * event loop at the latest) leave as one message per session at the end of
   * that frame, after any message that still uses the object. An object that recovery
   * brought back to this governor in the same turn (sent again, or being
   * recomputed here) is not freed.
   *
   * @param o The object, just removed.
   */
  freeObject(o: ObjectNode): void {
    if (this.#frees.length === 0) this.#outbox.scheduleLater();
    this.#frees.push(o);
  }

  #pushFrees(): void {
    if (this.#frees.length === 0) return;
    const bySession = new Map<number, number[]>();
    for (const o of this.#frees) {
      const back = this.objects.has(o) || (o.state === "waiting" && o.producer?.governor === this);
      if (back) continue;
      const [session, n] = o.spec.id;
      const ns = bySession.get(session);
      if (ns) ns.push(n);
      else bySession.set(session, [n]);
    }
    this.#frees = [];
    for (const [session, ns] of bySession) this.#outbox.push({ type: "free", session, ns });
  }

  /**
   * Whether a heartbeat's memory figure is worth an event: it moved by more
   * than a sixteenth, or the last one is a minute old (heartbeats come every
   * second; most would say nothing new).
   *
   * @param bytes The governor's resident memory.
   * @returns `true` when it should be reported (and is now the last reported).
   */
  memoryChanged(bytes: number): boolean {
    const now = Date.now();
    const last = this.#memory;
    if (Math.abs(bytes - last.bytes) * 16 <= last.bytes && now - last.at < 60_000) return false;
    this.#memory = { bytes, at: now };
    return true;
  }

  /** Tasks assigned and not finished. */
  get tasks(): ReadonlySet<TaskNode> {
    return this.#tasks;
  }

  /** Cpus of the tasks assigned and not finished. */
  get load(): number {
    return this.#load;
  }

  /** Free cpus (negative when overbooked). */
  get free(): number {
    return this.cpus - this.#load;
  }

  /**
   * Assigns a task here: it runs (or queues) on this governor and its cpus
   * count until {@linkcode GovernorLink.release}.
   *
   * @param t The task.
   */
  claim(t: TaskNode): void {
    t.governor = this;
    this.#tasks.add(t);
    this.#load += t.spec.resources.cpus;
  }

  /**
   * Gives back a task's cpus (it finished, failed, was stopped or is put
   * back); idempotent. The task keeps its `governor`, whose later reports of
   * it are then ignored.
   *
   * @param t The task.
   */
  release(t: TaskNode): void {
    if (this.#tasks.delete(t)) this.#load -= t.spec.resources.cpus;
  }

  /** Closes the connection. */
  close(): void {
    this.#conn.close();
  }
}
