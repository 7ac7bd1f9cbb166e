/**
 * The baselines that are not Dask: what the machine does without Rain.
 *
 * @module
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat, truncate, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

/**
 * Bare spawns of `true` with null stdio, `parallelism` at a time: the most
 * programs a Deno process can run per second.
 *
 * @param n How many spawns.
 * @param parallelism How many run at once.
 * @returns Spawns per second.
 */
export async function bareSpawns(n: number, parallelism: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const child = new Deno.Command("true", { stdin: "null", stdout: "null", stderr: "null" })
        .spawn();
      if (!(await child.status).success) throw new Error("`true` failed");
    }
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return n / ((performance.now() - start) / 1000);
}

/**
 * Copies a sparse file of `mib` MiB over a loopback TCP connection to
 * another file (file → socket → file).
 *
 * @param mib The size.
 * @returns MiB per second.
 */
export async function loopbackCopy(mib: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "rain-bench-"));
  try {
    const src = join(dir, "src");
    await writeFile(src, new Uint8Array(0));
    await truncate(src, mib * 1024 * 1024);
    const server = createServer((socket) => createReadStream(src).pipe(socket));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const start = performance.now();
    await pipeline(connect(port, "127.0.0.1"), createWriteStream(join(dir, "dst")));
    const seconds = (performance.now() - start) / 1000;
    server.close();
    if ((await stat(join(dir, "dst"))).size !== mib * 1024 * 1024) throw new Error("Short copy");
    return mib / seconds;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
