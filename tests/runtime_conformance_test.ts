/**
 * Conformance of the runtime seam on Deno, Node and Bun: runs
 * `tests/fixtures/runtime_echo.ts` under each available runtime and talks to
 * it from here (Deno) over HTTP and WebSocket.
 *
 * Node 20 cannot run TypeScript, so unless the installed `node` can strip
 * types, the fixture is bundled for it with `deno bundle` first.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runtime } from "../runtime/mod.ts";
import { STDERR_TAIL } from "../runtime/types.ts";
import { within } from "./_util.ts";
import type { WsClient } from "../runtime/mod.ts";

const ROOT = new URL("..", import.meta.url);
const FIXTURE = new URL("fixtures/runtime_echo.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

/** How to start the fixture under one runtime. */
interface Target {
  name: "deno" | "node" | "bun";
  /** Command and leading arguments; the fixture's own arguments follow. */
  argv?: string[];
  /** Why the runtime is skipped. */
  skip?: string;
  /** Extra note for the test name. */
  note?: string;
  /** Removes temporary files. */
  cleanup?: () => Promise<void>;
}

async function runs(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function bunTarget(): Promise<Target> {
  for (const bin of [new URL("node_modules/.bin/bun", ROOT).pathname, "bun"]) {
    if (await runs(bin, ["--version"])) {
      // The preload makes the sources' npm: specifiers bare, which Bun alone cannot resolve.
      const preload = new URL("tests/_bun_preload.ts", ROOT).pathname;
      return { name: "bun", argv: [bin, "--preload", preload, FIXTURE] };
    }
  }
  return { name: "bun", skip: "bun not found (npm install --no-save bun)" };
}

async function nodeTarget(): Promise<Target> {
  if (!(await runs("node", ["--version"]))) return { name: "node", skip: "node not found" };
  if (await runs("node", ["--experimental-strip-types", "-e", "const x: number = 1"])) {
    return {
      name: "node",
      argv: ["node", "--experimental-strip-types", "--no-warnings", FIXTURE],
      note: "strip-types",
    };
  }
  const dir = await Deno.makeTempDir({ prefix: "rain_node_echo_" });
  const cleanup = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  const bundle = `${dir}/runtime_echo.mjs`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "-o", bundle, FIXTURE],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    await cleanup();
    return {
      name: "node",
      skip: `cannot bundle the fixture: ${decoder.decode(out.stderr).trim().split("\n").at(-1)}`,
    };
  }
  return { name: "node", argv: ["node", bundle], note: "compiled to JS by deno", cleanup };
}

const targets: Target[] = [
  { name: "deno", argv: [Deno.execPath(), "run", "-A", FIXTURE] },
  await nodeTarget(),
  await bunTarget(),
];

function sampleFrames(): Uint8Array[] {
  const big = new Uint8Array(1 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 13 + 5) & 0xff;
  return [
    new Uint8Array([42]),
    Uint8Array.from({ length: 256 }, (_, i) => 255 - i),
    big,
    new Uint8Array(0),
    new Uint8Array(new Uint8Array([7, 7, 1, 2, 3, 7]).buffer, 2, 3),
  ];
}

/** Reads a child's output line by line; `next()` waits for the next line. */
class Lines {
  #lines: string[] = [];
  #waiters: (() => void)[] = [];
  #ended = false;
  readonly done: Promise<void>;
  text = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      let rest = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        rest += chunk;
        let nl;
        while ((nl = rest.indexOf("\n")) >= 0) {
          this.#lines.push(rest.slice(0, nl));
          rest = rest.slice(nl + 1);
        }
        this.#wake();
      }
      if (rest) this.#lines.push(rest);
      this.#ended = true;
      this.#wake();
    })();
  }

  #wake() {
    for (const w of this.#waiters.splice(0)) w();
  }

  async next(): Promise<string | undefined> {
    while (this.#lines.length === 0 && !this.#ended) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.#lines.shift();
  }
}

/** Runs `target` with the fixture's `args`, piping output. */
function spawn(target: Target, args: string[]) {
  const [cmd = "", ...pre] = target.argv!;
  const child = new Deno.Command(cmd, {
    args: [...pre, ...args],
    cwd: ROOT.pathname,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return { child, stdout: new Lines(child.stdout), stderr: new Lines(child.stderr) };
}

/** Opens a seam client and collects what it receives. */
async function connect(url: string) {
  const ws: WsClient = runtime.connectWebSocket(url);
  const received: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closeReason: string | undefined;
  ws.onMessage = (d) => {
    received.push(d);
    wake?.();
  };
  const closed = new Promise<string>((resolve) => {
    ws.onClose = (reason) => {
      closeReason = reason;
      resolve(reason);
      wake?.();
    };
  });
  await within(ws.opened, 10_000, `connect ${url}`);
  return {
    ws,
    closed,
    async receive(n: number): Promise<Uint8Array[]> {
      while (received.length < n && closeReason === undefined) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      assert.equal(closeReason, undefined, `closed early: ${closeReason}`);
      return received.splice(0, n);
    },
  };
}

/** Sends one text frame with Deno's raw WebSocket; returns the reply or the close. */
function rawText(
  url: string,
  text: string,
): Promise<{ reply?: string; code?: number; reason?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    let reply: string | undefined;
    ws.onopen = () => ws.send(text);
    ws.onerror = () => reject(new Error(`WebSocket error on ${url}`));
    ws.onmessage = (e) => {
      reply = e.data instanceof ArrayBuffer ? decoder.decode(e.data) : `string:${e.data}`;
      ws.close();
    };
    ws.onclose = (e) =>
      resolve(reply !== undefined ? { reply } : { code: e.code, reason: e.reason });
  });
}

for (const target of targets.filter((t) => !t.skip)) {
  Deno.test(`runtime seam conformance: ${target.name} spawn`, async () => {
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "rain_spawn_" }));
    const run = spawn(target, ["spawn", dir]);
    try {
      const status = await within(run.child.status, 30_000, "spawn fixture");
      await Promise.all([run.stdout.done, run.stderr.done]);
      assert.equal(status.code, 0, `stderr: ${run.stderr.text}`);
      assert.deepEqual(JSON.parse(run.stdout.text), {
        io: { code: 3, signal: null, stderr: "oops\n", out: `HELLO\n${dir}\n` },
        noStdin: { code: 0, signal: null, stderr: "", out: "done\n" },
        bigStderr: { code: 0, signal: null, stderr: `${STDERR_TAIL} bytes` },
        missing: "ENOENT",
        aborted: { code: 137, signal: "SIGKILL", stderr: "", fast: true },
      });
    } finally {
      try {
        run.child.kill("SIGKILL");
      } catch { /* already exited */ }
      await run.child.status;
      await Promise.all([run.stdout.done, run.stderr.done]);
      await Deno.remove(dir, { recursive: true });
    }
  });
}

for (const target of targets) {
  const label = target.skip
    ? `${target.name} (skipped: ${target.skip})`
    : `${target.name}${target.note ? ` (${target.note})` : ""}`;
  Deno.test({
    name: `runtime seam conformance: ${label}`,
    ignore: target.skip !== undefined,
    sanitizeResources: true,
    sanitizeOps: true,
    async fn() {
      const server = spawn(target, ["serve", "extra", "--flag"]);
      const clients: { ws: WsClient; closed: Promise<string> }[] = [];
      let status: Deno.CommandStatus | undefined;
      try {
        const first = await within(server.stdout.next(), 30_000, "server start");
        assert.ok(first, `server printed nothing; stderr: ${server.stderr.text}`);
        const info = JSON.parse(first) as { runtime: string; port: number; args: string[] };
        assert.equal(info.runtime, target.name);
        assert.deepEqual(info.args, ["extra", "--flag"]);
        assert.ok(info.port > 0, "the real port is reported for port 0");
        const base = `127.0.0.1:${info.port}`;

        // HTTP route and not-found.
        const hello = await fetch(`http://${base}/hello`);
        assert.equal(hello.status, 200);
        assert.equal(await hello.text(), `hello from ${target.name}`);
        const missing = await fetch(`http://${base}/missing`);
        await missing.body?.cancel();
        assert.equal(missing.status, 404);

        // Binary round trips with the seam's client (Deno side).
        const c = await connect(`ws://${base}/ws`);
        clients.push(c);
        const frames = sampleFrames();
        for (const f of frames) c.ws.send(f);
        const echoed = await within(c.receive(frames.length), 10_000, "echoes");
        frames.forEach((f, i) => {
          assert.ok(echoed[i] instanceof Uint8Array, `frame ${i} arrives as Uint8Array`);
          assert.deepEqual([...echoed[i]], [...f], `frame ${i} round-trips`);
        });

        // Text frames reach the handler as strings; the handler can close.
        assert.deepEqual(await within(rawText(`ws://${base}/ws`, "héllo ✓"), 10_000, "text"), {
          reply: "text:héllo ✓",
        });
        assert.deepEqual(
          await within(rawText(`ws://${base}/ws`, "close-me"), 10_000, "server close"),
          { code: 4000, reason: "asked to" },
        );

        // The runtime's own seam client against its own server.
        const cl = spawn(target, ["client", `ws://${base}/ws`]);
        try {
          const clientStatus = await within(cl.child.status, 30_000, "client run");
          await Promise.all([cl.stdout.done, cl.stderr.done]);
          const result = JSON.parse(cl.stdout.text.trim().split("\n").at(-1) ?? "{}");
          assert.deepEqual(result, { runtime: target.name, ok: true }, `stderr: ${cl.stderr.text}`);
          assert.equal(clientStatus.code, 0);
        } finally {
          try {
            cl.child.kill("SIGKILL");
          } catch { /* already exited */ }
          await cl.child.status;
          await Promise.all([cl.stdout.done, cl.stderr.done]);
        }

        // SIGTERM: the handler closes the server, open WebSockets included, and exits 0.
        const open = await connect(`ws://${base}/ws`);
        clients.push(open);
        server.child.kill("SIGTERM");
        const why = await within(
          open.closed,
          10_000,
          "open WebSocket closed by server.close()",
        );
        // A close frame from server.close(), not a connection dropped by the exit.
        assert.match(why, /shutting down/i);
        status = await within(server.child.status, 10_000, "server exit after SIGTERM");
        await Promise.all([server.stdout.done, server.stderr.done]);
        assert.equal(status.code, 0, `stderr: ${server.stderr.text}`);
        assert.match(server.stdout.text, /\{"closed":true\}/);
        await assert.rejects(fetch(`http://${base}/hello`), "no longer listening");
      } finally {
        for (const c of clients) {
          c.ws.close();
          await within(c.closed, 5_000, "client close").catch(() => {});
        }
        if (!status) {
          try {
            server.child.kill("SIGKILL");
          } catch { /* already exited */ }
          await server.child.status;
        }
        await Promise.all([server.stdout.done, server.stderr.done]);
        await target.cleanup?.();
      }
    },
  });
}
