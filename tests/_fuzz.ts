/**
 * Frames for the fuzz test: a seeded random source, random values, and
 * random, mutated and truncated versions of valid client and governor
 * frames.
 *
 * @module
 */
// Not "cbor-x": its main entry loads the native cbor-extract addon, which crashes Deno.
import { Encoder } from "cbor-x/encode";
import { encodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { GOVERNOR_PROTOCOL_VERSION } from "../protocol/governor.ts";

/** A seeded pseudo-random source (mulberry32): the same seed gives the same frames. */
export class Rng {
  #state: number;

  /** @param seed The seed. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** @returns A number in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * @param n The bound.
   * @returns An integer in [0, n).
   */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * @param items The choices.
   * @returns One of them.
   */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /**
   * @param n How many.
   * @returns Random bytes.
   */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const plain = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

const NASTY_STRINGS = [
  "",
  "__proto__",
  "constructor",
  "../../../etc/passwd",
  "/etc/passwd",
  "a\0b",
  "x".repeat(10_000),
  "\u{1F600}",
  "text-\u00e9",
  "no/such type",
];
const NASTY_NUMBERS = [
  0,
  -1,
  1,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  1e300,
  -1e300,
  NaN,
  Infinity,
  -Infinity,
  0.5,
  -0,
];

/**
 * A random value of any CBOR kind: nasty numbers and strings, bytes,
 * arrays and objects (with keys such as `__proto__`), nested a little.
 *
 * @param r The random source.
 * @param depth How deep the value is already.
 * @returns The value.
 */
export function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 3 ? 6 : 8)) {
    case 0:
      return r.pick(NASTY_NUMBERS);
    case 1:
      return r.pick(NASTY_STRINGS);
    case 2:
      return r.int(1000);
    case 3:
      return r.bytes(r.int(16));
    case 4:
      return r.pick([null, true, false, undefined]);
    case 5:
      return String.fromCharCode(...r.bytes(r.int(12)));
    case 6:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--) {
        const key = r.pick(["type", "rid", "id", "__proto__", "session", "x", ...NASTY_STRINGS]);
        set(o, key, randomValue(r, depth + 1));
      }
      return o;
    }
  }
}

/** Sets an own property, also one named `__proto__` (an assignment would set the prototype). */
function set(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Replaces, deletes or adds one field somewhere in a (copied) value. */
function mutateValue(v: unknown, r: Rng): unknown {
  if (typeof v !== "object" || v === null || v instanceof Uint8Array || r.int(4) === 0) {
    return randomValue(r);
  }
  if (Array.isArray(v)) {
    const copy = [...v];
    if (copy.length === 0 || r.int(5) === 0) copy.push(randomValue(r));
    else {
      const i = r.int(copy.length);
      if (r.int(6) === 0) copy.splice(i, 1);
      else copy[i] = mutateValue(copy[i], r);
    }
    return copy;
  }
  const copy: Record<string, unknown> = { ...v as Record<string, unknown> };
  const keys = Object.keys(copy);
  if (keys.length === 0 || r.int(5) === 0) set(copy, r.pick(["__proto__", "type", "extra"]), 1);
  else {
    const k = r.pick(keys);
    if (r.int(6) === 0) delete copy[k];
    else copy[k] = mutateValue(copy[k], r);
  }
  return copy;
}

/** Encodes messages as a frame, with the protocol's encoder or plain CBOR. */
function encode(messages: unknown, r: Rng): Uint8Array {
  return r.int(2) === 0
    ? encodeFrame(messages as unknown[])
    : new Uint8Array(plain.encode(messages));
}

/** How a fuzz frame was made. */
export type FrameKind = "random" | "mutated bytes" | "truncated" | "mutated message";

/**
 * A fuzz frame from valid messages: random bytes, a valid frame with bytes
 * changed, a valid frame cut short, or valid messages with a field changed.
 *
 * @param r The random source.
 * @param valid Valid messages of the socket's protocol.
 * @returns The frame and how it was made.
 */
export function fuzzFrame(r: Rng, valid: unknown[]): { frame: Uint8Array; kind: FrameKind } {
  const messages = [r.pick(valid), ...(r.int(4) === 0 ? [r.pick(valid)] : [])];
  const kind = r.pick<FrameKind>(["random", "mutated bytes", "truncated", "mutated message"]);
  if (kind === "random") return { frame: r.bytes(r.int(300)), kind };
  if (kind === "mutated message") return { frame: encode(mutateValue(messages, r), r), kind };
  const frame = encode(messages, r);
  if (kind === "truncated") return { frame: frame.slice(0, r.int(frame.length)), kind };
  for (let i = 1 + r.int(4); i > 0 && frame.length > 0; i--) {
    frame[r.int(frame.length)] = r.int(256);
  }
  return { frame, kind };
}

/**
 * Valid client messages for a session, with fresh task and object numbers
 * from `next` (built-ins only; `load`/`store` inside `root`).
 *
 * @param session The session.
 * @param next Allocates task and object numbers.
 * @param root A directory the governor may load from and store to.
 * @returns The messages.
 */
export function clientMessages(session: number, next: () => number, root: string): unknown[] {
  const [c, o, t, o2, t2, o3, t3, t4, t5, lo] = Array.from({ length: 10 }, next) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const task = (
    n: number,
    type: string,
    config: unknown,
    inputs: number[],
    outputs: number[],
  ) => [
    n,
    type,
    config,
    1,
    "fuzz",
    null,
    inputs.length,
    ...inputs.flatMap((i) => [i, ""]),
    ...outputs,
  ];
  const obj = (
    n: number,
    keep: boolean,
    data: Uint8Array | null,
    dataType = "blob",
  ) => [n, "", "", dataType, null, keep, data, null];
  return [
    { type: "hello", version: PROTOCOL_VERSION },
    { type: "newSession", rid: 1, name: "fuzz" },
    {
      type: "submit",
      rid: 2,
      session,
      tasks: [
        task(t, "concat", null, [c, c], [o]),
        task(
          t2,
          "execute",
          {
            args: ["echo", "fuzz"],
            shell: false,
            inputs: [],
            outputs: [{ stdout: true }],
            stdin: -1,
          },
          [],
          [o2],
        ),
        task(t3, "sleep", { seconds: 0.01 }, [o], [o3]),
        task(t4, "store", { path: `${root}/out-${o}` }, [o], []),
        task(t5, "load", { path: `${root}/in.txt` }, [], [lo]),
      ],
      objects: [
        obj(c, false, new TextEncoder().encode("const")),
        obj(o, true, null),
        obj(o2, true, null),
        obj(o3, false, null),
        obj(lo, true, null),
      ],
    },
    { type: "wait", rid: 3, session, tasks: [t], objects: [o] },
    { type: "waitAll", rid: 4, session },
    { type: "fetch", rid: 5, session, id: o },
    { type: "unkeep", rid: 6, session, ids: [o] },
    { type: "update", rid: 7, session, tasks: [t], objects: [o] },
    { type: "closeSession", rid: 8, session },
    { type: "serverInfo", rid: 9 },
  ];
}

/**
 * Valid governor messages about tasks and objects of `session`.
 *
 * @param session A session id.
 * @param address A (fake) governor address.
 * @returns The messages.
 */
export function governorMessages(session: number, address: string): unknown[] {
  return [
    { type: "register", version: GOVERNOR_PROTOCOL_VERSION, address, cpus: 1 },
    { type: "heartbeat" },
    { type: "started", id: [session, 1], startTime: 1 },
    {
      type: "finished",
      id: [session, 1],
      info: { startTime: 1, duration: 2 },
      outputs: [{ id: [session, 2], size: 3, data: new Uint8Array(3) }],
    },
    { type: "done", report: [session, 1, 1, 2, 2, 3, null] },
    {
      type: "failed",
      id: [session, 1],
      info: { error: "x", startTime: 1, duration: 1, governor: address, debug: "", user: {} },
      lostInput: { id: [session, 0], source: "127.0.0.1:1" },
    },
  ];
}
