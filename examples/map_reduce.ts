/**
 * Map/reduce with remote functions: counts the primes below a bound. The
 * range is cut into chunks; a remote function counts the primes of each
 * chunk (the map, in parallel over the governors' executors) and returns
 * them as JSON; another remote function adds the counts up (the reduce).
 *
 * Run against a running server (`npm start` in a checkout):
 * `npx deno run -A examples/map_reduce.ts [HOST:PORT] [BOUND] [CHUNKS]`
 *
 * @module
 */
import process from "node:process";
import { Client, type DataInstance, Output, remote } from "../mod.ts";

const [address = "localhost:7210", bound = "200000", chunks = "8"] = process.argv.slice(2);
const n = Number(bound);
const k = Number(chunks);

// The map: runs in an executor process, so it is self-contained (no client variables).
const countPrimes = remote((_ctx, from: number, to: number) => {
  let count = 0;
  for (let i = Math.max(from, 2); i < to; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return { from, to, count };
}, { outputs: [new Output({ encode: "json" })], name: "primes/map" });

// The reduce: its arguments are the map's outputs, loaded by content type (JSON).
const total = remote(
  (_ctx, parts: DataInstance[]) =>
    parts.map((p) => (p.load() as { count: number }).count).reduce((a, b) => a + b, 0),
  { outputs: [new Output({ encode: "json" })], name: "primes/reduce" },
);

const client = await Client.connect(address);
{
  await using session = client.newSession({ name: "map/reduce" });
  const step = Math.ceil(n / k);
  const maps = Array.from(
    { length: k },
    (_, i) => countPrimes(i * step, Math.min(n, (i + 1) * step)),
  );
  const sum = total(maps.map((t) => t.output)); // data objects inside an array are inputs too
  sum.output.keep();
  await session.submit();
  const count = (await sum.output.fetch()).load();
  await session.waitAll();
  const governors = new Set<string>();
  for (const t of maps) {
    await t.update();
    governors.add(t.info!.governor);
  }
  console.log(`${count} primes below ${n}, counted in ${k} tasks on ${governors.size} governor(s)`);
}
await client.close();
