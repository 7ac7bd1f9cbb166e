/**
 * The server's view of one connected governor: its cpus, what it runs and
 * holds, and a batching sender.
 *
 * @module
 */
import type { ServerToGovernorMessage } from "../protocol/governor.ts";
import type { EventLog } from "./events/event_log.ts";
import { objectFreed, objectStored } from "./events/node_events.ts";
import { Outbox } from "../protocol/outbox.ts";
import type { WsConnection } from "../runtime/types.ts";
import { append, type ObjectNode, type TaskNode } from "./model.ts";

/** One connected governor. */
export class GovernorLink {
  /** The governor's id, its data address `host:port`. */
  readonly id: string;
  /** Its cpus. */
  readonly cpus: number;
  /** Cpus of the tasks assigned and not finished. */
  load = 0;
  /** Tasks assigned and not finished. */
  readonly tasks: Set<TaskNode> = new Set();
  /** Objects it holds. */
  readonly objects: Set<ObjectNode> = new Set();
  /** Bytes of the objects it holds. */
  memory = 0;
  /** When the governor was last heard from (epoch ms). */
  lastSeen: number = Date.now();
  /** Set once the governor is declared lost. */
  lost = false;
  /** Resident memory last reported in an event, and when. */
  #memory = { bytes: -1, at: 0 };
  readonly #outbox: Outbox<ServerToGovernorMessage>;
  readonly #conn: WsConnection;
  readonly #events: EventLog;
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
    this.#events = events;
    this.#outbox = new Outbox((frame) => conn.send(frame), () => this.#pushFrees());
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
   * Queues freeing a removed object on the governor. Frees gathered during a
   * turn leave as one message per session at the end of the turn's frame,
   * after any message that still uses the object. An object that recovery
   * brought back to this governor in the same turn (sent again, or being
   * recomputed here) is not freed.
   *
   * @param o The object, just removed.
   */
  freeObject(o: ObjectNode): void {
    if (this.#frees.length === 0) this.#outbox.schedule();
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

  /** Free cpus (negative when overbooked). */
  get free(): number {
    return this.cpus - this.load;
  }

  /**
   * Records that the governor now holds an object.
   *
   * @param obj The object.
   */
  hold(obj: ObjectNode): void {
    if (this.objects.has(obj)) return;
    this.objects.add(obj);
    obj.locations = append(obj.locations, this);
    const size = obj.info?.size ?? obj.data?.length ?? 0;
    this.memory += size;
    this.#events.emit(objectStored(obj, this, size));
  }

  /**
   * Records that the governor dropped an object.
   *
   * @param obj The object.
   */
  drop(obj: ObjectNode): void {
    if (!this.objects.delete(obj)) return;
    const size = obj.info?.size ?? obj.data?.length ?? 0;
    this.memory -= size;
    this.#events.emit(objectFreed(obj, this, size));
  }

  /** Closes the connection. */
  close(): void {
    this.#conn.close();
  }
}
