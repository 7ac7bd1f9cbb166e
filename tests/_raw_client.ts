/**
 * A hand-driven client of the server's `/ws/client` WebSocket, for tests
 * that send what the real client never would.
 *
 * @module
 */
import assert from "node:assert/strict";
// Not "cbor-x": its main entry loads the native cbor-extract addon, which crashes Deno.
import { Encoder } from "cbor-x/encode";
import { decode } from "cbor-x/decode";
import type { TaskSpec } from "../common/attributes.ts";
import type { SubmitObject } from "../protocol/client.ts";
import { PROTOCOL_VERSION } from "../protocol/codec.ts";
import { packSubmitObject, packTaskSpec } from "../protocol/submit_packing.ts";

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
/** Encodes a value as plain CBOR (no records). */
export const encode = (v: unknown): Uint8Array => new Uint8Array(encoder.encode(v));

/** A message from the server, loosely typed. */
export interface Message {
  type: string;
  session?: number;
  rid?: number;
  message?: string;
  code?: string;
  value?: unknown;
  version?: number;
}

/** A hand-driven WebSocket client of `/ws/client`. */
export class RawClient implements AsyncDisposable {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  readonly #queue: Message[] = [];
  /**
   * The `sessionFailed` messages received, in order: the server sends them
   * unasked, so {@linkcode RawClient.next} leaves them out.
   */
  readonly failedSessions: Message[] = [];
  #waiting: ((m: Message) => void) | null = null;

  /**
   * @param address The server's `host:port`.
   * @param token The server's secret, sent as `Authorization: Bearer`.
   */
  constructor(address: string, token: string) {
    // Deno, the `ws` package (Node) and Bun all take headers this way.
    const options = { headers: { authorization: `Bearer ${token}` } };
    this.ws = new WebSocket(`ws://${address}/ws/client`, options as never);
    this.ws.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("connect failed"));
    });
    this.closed = new Promise((resolve) => this.ws.onclose = resolve);
    this.ws.onmessage = (e) => {
      for (const m of decode(new Uint8Array(e.data as ArrayBuffer)) as Message[]) {
        if (m.type === "sessionFailed") this.failedSessions.push(m);
        else if (this.#waiting) {
          const w = this.#waiting;
          this.#waiting = null;
          w(m);
        } else this.#queue.push(m);
      }
    };
  }

  /** The next message from the server (a reply, an error or `welcome`; not `sessionFailed`). */
  next(): Promise<Message> {
    const m = this.#queue.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.closed.then(() => reject(new Error("closed before the next message")));
    });
  }

  send(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  async hello(): Promise<void> {
    this.send(encode([{ type: "hello", version: PROTOCOL_VERSION }]));
    const welcome = await this.next();
    assert.equal(welcome.type, "welcome");
    assert.equal(welcome.version, PROTOCOL_VERSION);
  }

  /** Sends a request (a submit's tasks and objects written as specs are packed) and reads the answer. */
  async request(m: Record<string, unknown>): Promise<Message> {
    if (m.type === "submit") {
      m = {
        ...m,
        tasks: (m.tasks as TaskSpec[]).map(packTaskSpec),
        objects: (m.objects as SubmitObject[]).map((o) =>
          packSubmitObject(o.spec, o.keep, o.data ?? null)
        ),
      };
    }
    this.send(encode([m]));
    return await this.next();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
