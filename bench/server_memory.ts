/**
 * Server heap per finished task kept in history, in process: the
 * coordinator with a server's monitoring (event log, monitor, live feed)
 * takes 10 submits of trivial tasks (concat of two constants, as the
 * `memory` workload of `deno task bench`) in one session that stays open,
 * each finished by reports as a governor would send them (the governor's
 * connection is a sink). Prints the heap and array-buffer bytes per task
 * after a full garbage collection, then after the session closed.
 *
 * Run: `deno run -A --v8-flags=--expose-gc bench/server_memory.ts [tasks]`
 *
 * @module
 */
import type { ClientLink } from "../server/client_link.ts";
import { Coordinator } from "../server/coordinator.ts";
import { GovernorLink } from "../server/governor_link.ts";
import { createMonitoring } from "../server/monitoring.ts";
import { unpackSubmitObject, unpackTaskSpec } from "../protocol/submit_packing.ts";

/** A content hash for the reports (the coordinator keeps it, never checks it). */
const HASH = "xxh128:0123456789abcdef0123456789abcdef";

const total = Number(Deno.args[0] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("Run with --v8-flags=--expose-gc");

function used(): number {
  gc!();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

const monitoring = createMonitoring();
const c = new Coordinator(monitoring.events);
const g = new GovernorLink("g:1", 2, { send() {}, close() {} }, c.events);
c.addGovernor(g);
const s = c.newSession({ address: "bench" } as ClientLink, "bench/memory");
const before = used();
const info = { startTime: Date.now(), duration: 0.1 };
let n = 0;
for (let done = 0; done < total;) {
  const count = Math.min(100_000, total - done);
  // Decoded from the packed form, as the server gets them.
  const a = n++, b = n++;
  const objects = [
    unpackSubmitObject([a, "", "", "blob", null, false, new Uint8Array(6), null], s.id),
    unpackSubmitObject([b, "", "", "blob", null, false, new Uint8Array(6), null], s.id),
  ];
  const specs = [];
  for (let i = 0; i < count; i++) {
    const t = n++, o = n++;
    specs.push(unpackTaskSpec([t, "concat", null, 1, "", null, 2, a, "", b, "", o], s.id));
    objects.push(unpackSubmitObject([o, "", "", "blob", null, false, null, null], s.id));
  }
  c.submit(s, specs, objects);
  await Promise.resolve();
  while (s.unfinished > 0) {
    for (const t of [...g.tasks]) {
      c.finished(g, t.spec.id, info, [{ id: t.outputs[0]!.spec.id, size: 12, hash: HASH }]);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  done += count;
}
const open = used();
c.closeSession(s);
await new Promise((r) => setTimeout(r, 0));
const closed = used();
const per = (x: number) => ((x - before) / total).toFixed(0);
console.log(
  `${total} tasks: ${per(open)} bytes per finished task (session open), ${
    per(closed)
  } after close (monitor keeps it within its retention)`,
);
monitoring.close();
