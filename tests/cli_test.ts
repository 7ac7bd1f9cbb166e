/**
 * The `rain start --simple` command line: starts, serves a client, stops on SIGINT.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, Client, tasks } from "../mod.ts";

/** Reads lines from a stream until one matches; returns the match and the lines seen. */
async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
  seen: string[],
): Promise<RegExpMatchArray> {
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stdout ended before ${pattern}; got:\n${seen.join("\n")}`);
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      seen.push(line);
      const m = line.match(pattern);
      if (m) return m;
    }
  }
}

/** Rejects after `ms` unless cleared. */
function deadline(ms: number, what: string): { promise: Promise<never>; clear(): void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    id = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
  });
  return { promise, clear: () => clearTimeout(id) };
}

/**
 * Spawns the CLI with the deno binary running this test, stdout piped.
 *
 * @param args The CLI's arguments.
 * @param env Extra environment.
 * @returns The child and a reader of its stdout text.
 */
function spawnCli(args: string[], env?: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", ...args],
    cwd: new URL("..", import.meta.url),
    env,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  return { child, reader: child.stdout.pipeThrough(new TextDecoderStream()).getReader() };
}

Deno.test("rain start --simple --listen 127.0.0.1:0 serves a client and exits 0 on SIGINT", async () => {
  // The deno binary running this test (what `npx deno` runs) is spawned directly: `npx` is
  // `npm exec` -> `sh -c deno` -> deno, and npm exec does not forward SIGINT to its child
  // (a terminal's Ctrl-C reaches the whole process group), so a SIGINT sent to `npx` would
  // never reach the CLI and killing the group would report npm's own signal death.
  const { child, reader } = spawnCli([
    "start",
    "--simple",
    "--listen",
    "127.0.0.1:0",
    "--cpus",
    "2",
  ]);
  const seen: string[] = [];
  let exited = false;
  try {
    const startup = deadline(30_000, "waiting for the server to listen");
    let address: string;
    try {
      const m = await Promise.race([
        readUntil(reader, /Rain server listening on (\S+:\d+)/, seen),
        startup.promise,
      ]);
      address = m[1]!;
    } finally {
      startup.clear();
    }
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(address, "127.0.0.1:0", "the real port is printed");
    await Promise.race([
      readUntil(reader, /Governor .* with 2 cpus joined/, seen),
      deadline(10_000, "governor").promise,
    ])
      .catch((e) => {
        throw new Error(`${e}\n${seen.join("\n")}`);
      });

    const client = await Client.connect(address);
    try {
      const info = await client.serverInfo();
      assert.deepEqual(info.governors.map((g) => g.cpus), [2]);
      await using session = client.newSession();
      const t = tasks.concat([blob("Hello "), blob("CLI!")]);
      t.output.keep();
      await session.submit();
      assert.equal((await t.output.fetch()).text(), "Hello CLI!");
    } finally {
      await client.close();
    }

    child.kill("SIGINT");
    const stop = deadline(10_000, "waiting for the process to exit after SIGINT");
    try {
      const status = await Promise.race([child.status, stop.promise]);
      exited = true;
      assert.equal(status.code, 0, `exit code ${status.code} (signal ${status.signal})`);
    } finally {
      stop.clear();
    }
  } finally {
    if (!exited) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    }
    await reader.cancel().catch(() => {});
  }
});

Deno.test("rain start --governors 2 --governor-host-file starts local and ssh governors", async () => {
  // An `ssh` stand-in on PATH runs the remote command locally: `ssh HOST CMD` -> `sh -c CMD`.
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/ssh`, '#!/bin/sh\nshift\nexec sh -c "$1"\n');
  await Deno.chmod(`${dir}/ssh`, 0o755);
  await Deno.writeTextFile(`${dir}/hosts`, "# one governor over ssh\nnode-a\n");
  const { child, reader } = spawnCli(
    [
      "start",
      "--governors",
      "2",
      "--governor-host-file",
      `${dir}/hosts`,
      "--listen",
      "127.0.0.1:0",
      "--cpus",
      "1",
    ],
    { PATH: `${dir}:${Deno.env.get("PATH")}` },
  );
  const timeout = deadline(30000, "three governors");
  try {
    const seen: string[] = [];
    const [, address] = await Promise.race([
      readUntil(reader, /Rain server listening on (\S+:\d+)/, seen),
      timeout.promise,
    ]);
    const client = await Client.connect(address!);
    try {
      let governors = 0;
      while (governors < 3) {
        governors = (await Promise.race([client.serverInfo(), timeout.promise])).governors.length;
      }
      assert.equal(governors, 3);
    } finally {
      await client.close();
    }
    child.kill("SIGINT");
    const status = await Promise.race([child.status, timeout.promise]);
    assert.equal(status.code, 0);
  } finally {
    timeout.clear();
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.status;
    await reader.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
