/**
 * Fuzzing every socket with real processes: at least 2,000 random, mutated
 * and truncated frames each to the client WebSocket, the governor WebSocket
 * and a governor's object data server, authenticated and not (fixed seed,
 * bounded count and time; `RAIN_FUZZ_SEED` replays another seed). A frame is
 * followed by a probe that the server answers only after handling it, so
 * every frame is processed. Afterwards the same server and governor
 * processes run a normal session correctly, and neither crashed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { writeFile } from "node:fs/promises";
import { blob, Client, tasks } from "../mod.ts";
import { authHeaders } from "../common/auth.ts";
import { findToken } from "../common/token_file.ts";
import { decodeFrame, encodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { runtime } from "../runtime/mod.ts";
import type { WsClient } from "../runtime/types.ts";
import { startCli } from "./_cli.ts";
import { clientMessages, fuzzFrame, governorMessages, Rng } from "./_fuzz.ts";
import { dataToken, tempDir } from "./_util.ts";
import { startReady } from "./_runtime_process.ts";

const FRAMES = 2000;
const SEED = Number(Deno.env.get("RAIN_FUZZ_SEED") ?? 0x5eed2018);
/** The whole test must finish within this (a hang fails it). */
const DEADLINE_MS = 400_000;
const WAIT_MS = 15_000;

type Message = { type?: string; rid?: number; message?: string; id?: string };

/** A WebSocket that collects what it receives. */
class Socket {
  readonly received: Message[] = [];
  closed: string | null = null;
  readonly #ws: WsClient;
  #wake: () => void = () => {};

  private constructor(ws: WsClient) {
    this.#ws = ws;
    ws.onMessage = (d) => {
      try {
        this.received.push(...decodeFrame(d) as Message[]);
      } catch {
        this.received.push({ type: "undecodable" });
      }
      this.#wake();
    };
    ws.onClose = (reason) => {
      this.closed = reason;
      this.#wake();
    };
  }

  static async open(url: string, headers: Record<string, string>): Promise<Socket> {
    const ws = runtime.connectWebSocket(url, { headers });
    const s = new Socket(ws);
    await ws.opened;
    return s;
  }

  /** Sends unless closed; returns whether it was sent. */
  send(data: Uint8Array | string): boolean {
    if (this.closed !== null) return false;
    try {
      this.#ws.send(data as Uint8Array);
      return true;
    } catch {
      return false;
    }
  }

  /** Waits until a received message matches (removing what came before) or the socket closed. */
  async until(match: (m: Message) => boolean): Promise<Message | null> {
    const deadline = Date.now() + WAIT_MS;
    while (true) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(0, i + 1)[i]!;
      if (this.closed !== null) return null;
      if (Date.now() > deadline) throw new Error("The server did not answer a probe in time");
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.#ws.close();
  }
}

/** Sends `FRAMES` fuzz frames to the client socket, each followed by a serverInfo probe. */
async function fuzzClientSocket(r: Rng, address: string, token: string, root: string) {
  const url = `ws://${address}/ws/client`;
  let sock: Socket | null = null, session = 0, n = 0, connections = 0;
  const open = async () => {
    connections++;
    const s = await Socket.open(url, authHeaders(token));
    s.send(encodeFrame([{ type: "hello", version: PROTOCOL_VERSION }]));
    assert.ok(await s.until((m) => m.type === "welcome"), "welcome");
    s.send(encodeFrame([{ type: "newSession", rid: 1, name: "fuzz" }]));
    const reply = await s.until((m) => m.rid === 1);
    session = (reply as { value?: number } | null)?.value ?? 0;
    return s;
  };
  for (let i = 0; i < FRAMES; i++) {
    if (!sock || sock.closed !== null) sock = await open();
    const { frame } = fuzzFrame(r, clientMessages(session, () => ++n, root));
    sock.send(frame);
    const probe = 2_000_000_000 + i;
    sock.send(encodeFrame([{ type: "serverInfo", rid: probe }]));
    await sock.until((m) => m.rid === probe);
  }
  sock?.close();
  return connections;
}

/** Sends `FRAMES` fuzz frames to the governor socket as fake governors, each followed by a probe. */
async function fuzzGovernorSocket(r: Rng, address: string, token: string) {
  const url = `ws://${address}/ws/governor`;
  let sock: Socket | null = null, connections = 0;
  const open = async () => {
    const s = await Socket.open(url, authHeaders(token));
    const fake = `fuzz-${++connections}:1`;
    s.send(encodeFrame([governorMessages(1, fake)[0]]));
    assert.ok(await s.until((m) => m.type === "registered"), "registered");
    return s;
  };
  for (let i = 0; i < FRAMES; i++) {
    if (!sock || sock.closed !== null) sock = await open();
    const { frame } = fuzzFrame(r, governorMessages(1 + r.int(20), `fuzz-${connections}:1`));
    sock.send(frame);
    // A text frame is malformed: the answer to it says every frame before it was handled.
    sock.send("probe");
    await sock.until((m) => m.type === "refused" && /Text frames/.test(m.message ?? ""));
  }
  sock?.close();
  return connections;
}

/** Sends `FRAMES` frames on connections without (or with a wrong) token: each is closed unread. */
async function fuzzUnauthenticated(r: Rng, url: string, valid: unknown[]) {
  let sent = 0, connections = 0;
  while (sent < FRAMES) {
    connections++;
    const headers = r.int(2) === 0 ? {} : authHeaders(`wrong-${r.int(1e9)}-token-xxxxxxxx`);
    const s = await Socket.open(url, headers);
    for (let k = 0; k < 50 && s.send(fuzzFrame(r, valid).frame); k++) sent++;
    await s.until(() => false);
    // The reason arrives unless the close raced with the frames still being sent.
    assert.match(s.closed ?? "", /^Unauthorized: |code 1006/);
    assert.deepEqual(s.received, [], "an unauthenticated connection is sent nothing");
  }
  return connections;
}

/** One raw HTTP request over TCP; resolves with the status line (or "" when closed without one). */
function rawHttp(address: string, bytes: Uint8Array): Promise<string> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const sock = connect(Number(port), host);
    let text = "";
    const done = () => {
      sock.destroy();
      resolve(text.split("\r\n")[0] ?? "");
    };
    sock.on("data", (d) => {
      text += d.toString("latin1");
      if (text.includes("\r\n")) done();
    });
    sock.on("error", done);
    sock.on("close", done);
    sock.setTimeout(150, done); // a truncated request waits for more: give up
    sock.write(bytes);
  });
}

/** Sends `FRAMES` requests (half fetch, half raw TCP) to a governor's data server. */
async function fuzzDataServer(r: Rng, governor: string, credential: string | null) {
  const statuses = new Map<number, number>();
  const enc = new TextEncoder();
  const auth = credential === null ? "" : `Authorization: Bearer ${credential}\r\n`;
  const paths = () =>
    r.pick([
      `/objects/${r.int(30)}/${r.int(30)}`,
      `/objects/${r.pick(["-1", "1e9", "x", "..", "%2e%2e", "9".repeat(30)])}/${r.int(9)}`,
      "/",
      "/objects",
      `/${String.fromCharCode(...r.bytes(8).map((b) => 33 + (b % 90)))}`,
    ]);
  const jobs: (() => Promise<void>)[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const path = paths();
    if (i % 2 === 0) {
      const method = r.pick(["GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]);
      const headers: Record<string, string> = credential === null
        ? r.pick<Record<string, string>>([
          {},
          { authorization: "Bearer wrong-token-0123456789" },
          { authorization: "x" },
        ])
        : { authorization: `Bearer ${credential}` };
      jobs.push(async () => {
        const res = await fetch(`http://${governor}${path}`, { method, headers });
        await res.body?.cancel();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      });
    } else {
      const valid = enc.encode(`GET ${path} HTTP/1.1\r\nHost: ${governor}\r\n${auth}\r\n`);
      const bytes = r.pick([
        () => r.bytes(r.int(400)),
        () => valid.slice(0, r.int(valid.length)),
        () => {
          const b = valid.slice();
          for (let k = 1 + r.int(4); k > 0; k--) b[r.int(b.length)] = r.int(256);
          return b;
        },
      ])();
      jobs.push(async () => {
        const line = await rawHttp(governor, bytes);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(line)?.[1] ?? 0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
    }
  }
  // 16 at a time.
  for (let i = 0; i < jobs.length; i += 16) {
    await Promise.all(jobs.slice(i, i + 16).map((j) => j()));
  }
  return statuses;
}

Deno.test("fuzzing the client, governor and data sockets, with and without credentials, crashes nothing", async () => {
  const started = performance.now();
  console.log(`fuzz seed: ${SEED} (set RAIN_FUZZ_SEED to replay another)`);
  await using root = await tempDir();
  await writeFile(`${root.path}/in.txt`, "fuzz input");
  await using server = await startReady({
    cmd: Deno.execPath(),
    args: ["run", "-A", "tests/fixtures/fuzz_server.ts"],
    ready: /listening (\S+:\d+)/,
  });
  const address = server.ready[1]!;
  const token = (await findToken("127.0.0.1", Number(address.split(":")[1])))!.token;
  await using governor = startCli([
    "governor",
    address,
    "--cpus",
    "2",
    "--fs-root",
    root.path,
  ]);
  const gov = (await governor.waitFor(/^Governor (\S+) with 2 cpus joined/))[1]!;
  const data = await dataToken({ address, token });
  const r = new Rng(SEED);

  const counts: Record<string, unknown> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await f();
    counts[`${name} s`] = Math.round(performance.now() - t0) / 1000;
    return result;
  };
  counts.client = await timed("client", () => fuzzClientSocket(r, address, token, root.path));
  counts.governor = await timed("governor", () => fuzzGovernorSocket(r, address, token));
  counts.clientUnauthenticated = await timed(
    "clientUnauthenticated",
    () =>
      fuzzUnauthenticated(r, `ws://${address}/ws/client`, clientMessages(1, () => 1, root.path)),
  );
  counts.governorUnauthenticated = await timed(
    "governorUnauthenticated",
    () => fuzzUnauthenticated(r, `ws://${address}/ws/governor`, governorMessages(1, "x:1")),
  );
  const authed = await timed("data", () => fuzzDataServer(r, gov, data));
  const strangers = await timed("dataUnauthenticated", () => fuzzDataServer(r, gov, null));
  counts.dataStatuses = Object.fromEntries(authed);
  counts.dataStatusesUnauthenticated = Object.fromEntries(strangers);
  console.log(`fuzz connections and statuses: ${JSON.stringify(counts)}`);
  for (const status of strangers.keys()) {
    assert.ok([0, 400, 401].includes(status), `a request without the data token got ${status}`);
  }
  assert.ok(!authed.has(500), "no request made the data server fail");

  // The same processes still run a normal session correctly.
  const client = await Client.connect(address, { token });
  try {
    const info = await client.serverInfo();
    assert.deepEqual(info.governors.map((g) => g.id), [gov], "only the real governor is left");
    await using session = client.newSession({ name: "after fuzzing" });
    const a = tasks.concat([blob("after "), blob("fuzzing")]);
    const big = tasks.execute("head -c 100000 /dev/zero | tr '\\0' z", {
      shell: true,
      stdout: true,
    });
    const loaded = tasks.load(`${root.path}/in.txt`);
    for (const t of [a, big, loaded]) t.output.keep();
    await session.submit();
    assert.equal((await a.output.fetch()).text(), "after fuzzing");
    assert.equal((await big.output.fetch()).text(), "z".repeat(100000));
    assert.equal((await loaded.output.fetch()).text(), "fuzz input");
  } finally {
    await client.close();
  }
  const alive = await Promise.race([
    server.status.then(() => false),
    governor.child.status.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 100)),
  ]);
  assert.ok(alive, `a process died:\n${server.stderr().slice(-2000)}`);
  governor.child.kill("SIGTERM");
  assert.equal((await governor.exited()).code, 0, "the governor stops cleanly");
  await server.close();
  assert.equal(
    (await server.status).code,
    0,
    `the server stops cleanly:\n${server.stderr().slice(-2000)}`,
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz test took ${seconds.toFixed(1)} s`);
  assert.ok(seconds * 1000 < DEADLINE_MS, `took ${seconds} s, over the bound`);
});
