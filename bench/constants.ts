/**
 * Large constants, sent once: a 256 MiB `blob()` and a 256 MiB `directory()`
 * submitted, then the same data submitted again in a new session, against a
 * `rain server` and a `rain governor` process (this script is the client).
 * The first submit hashes the data and streams it to the governor, which
 * hashes it again as it arrives; the second only hashes it and learns that
 * the governor holds it. Target: the second takes <= 5% of the first's time.
 *
 * Each round uses fresh data (so its first submit really uploads); the
 * figures are the medians over the rounds.
 *
 * Run: `deno run -A bench/constants.ts [--mib N] [--rounds N]`
 *
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { blob, Client, type DataObject, directory } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { mib: { type: "string", default: "256" }, rounds: { type: "string", default: "3" } },
});
const MIB = Number(values.mib);
const ROUNDS = Number(values.rounds);
const CLI = new URL("../cli/main.ts", import.meta.url).pathname;

/** Starts a `rain` command; resolves once its output matches `ready` (the first group: its address). */
async function start(
  args: string[],
  ready: RegExp,
): Promise<{ child: Deno.ChildProcess; address: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let match: RegExpExecArray | null = null;
  while (!(match = ready.exec(text))) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`rain ${args[0]} exited before listening: ${text}`);
    text += value;
  }
  (async () => {
    while (!(await lines.read()).done);
  })();
  return { child, address: match[1]! };
}

/** Fresh pseudo-random bytes (a different `seed` gives different data). */
function data(bytes: number, seed: number): Uint8Array {
  const b = new Uint8Array(bytes);
  const words = new Uint32Array(b.buffer);
  let x = seed;
  for (let i = 0; i < words.length; i++) words[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  return b;
}

/** Submits one constant in a new session; returns the submit's ms and the constant's debug note. */
async function submitOnce(client: Client, make: () => DataObject): Promise<[number, string]> {
  await using session = client.newSession({ name: "bench/constants" });
  const o = make();
  const start = performance.now();
  await session.submit();
  const ms = performance.now() - start;
  await o.update();
  return [ms, o.info!.debug];
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

const server = await start(["server", "--listen", "127.0.0.1:0"], /listening on (\S+) /);
const governor = await start(["governor", server.address, "--cpus", "2"], /Governor (\S+) with/);
const client = await Client.connect(server.address);
const work = await mkdtemp(join(tmpdir(), "rain-bench-constants-"));
try {
  for (const kind of ["blob", "directory"] as const) {
    const firsts: number[] = [], seconds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const bytes = data(MIB * 1024 * 1024, 1 + r + (kind === "blob" ? 0 : 1000));
      let make: () => DataObject;
      if (kind === "blob") make = () => blob(bytes);
      else {
        // 16 files in 4 directories, the same bytes in all.
        const dir = join(work, `tree${r}`);
        const per = bytes.length / 16;
        for (let i = 0; i < 16; i++) {
          await mkdir(join(dir, `d${i % 4}`), { recursive: true });
          await writeFile(
            join(dir, `d${i % 4}`, `f${i}.bin`),
            bytes.subarray(i * per, (i + 1) * per),
          );
        }
        make = () => directory(dir);
      }
      const [first, note1] = await submitOnce(client, make);
      const [second, note2] = await submitOnce(client, make);
      if (!/not sent again/.test(note2) || /not sent again/.test(note1)) {
        throw new Error(`Unexpected notes: "${note1}", "${note2}"`);
      }
      firsts.push(first);
      seconds.push(second);
    }
    const f = median(firsts), s = median(seconds);
    console.log(
      `${kind}() of ${MIB} MiB: first submit ${f.toFixed(0)} ms, the same data again ` +
        `${s.toFixed(0)} ms: ${(100 * s / f).toFixed(1)}% (target <= 5%); ` +
        `rounds: ${firsts.map(Math.round).join(", ")} / ${seconds.map(Math.round).join(", ")}`,
    );
  }
  const { contents } = await client.serverInfo();
  console.log(
    `server: ${contents.uploads} uploads, ${contents.hits} hits, ` +
      `${(contents.bytesNotSent / 1048576).toFixed(0)} MiB not sent`,
  );
} finally {
  await client.close();
  await rm(work, { recursive: true, force: true });
  for (const p of [governor, server]) {
    p.child.kill("SIGTERM");
    await p.child.status;
  }
}
