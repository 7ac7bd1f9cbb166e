/**
 * Scheduler cost per decision as the graph and the cluster grow: the
 * server's coordinator places N independent tasks (1k, 10k, 100k) over G
 * governors (1, 4, 16) and then takes their completion reports, in process,
 * with the governors' connections replaced by sinks that drop messages.
 * Prints microseconds per task; flat figures across N and G mean no
 * decision scans all tasks or all governors.
 *
 * Run: `deno run -A bench/scheduler.ts`
 *
 * @module
 */
import type { TaskSpec } from "../common/attributes.ts";
import type { SubmitObject } from "../protocol/client.ts";
import type { ClientLink } from "../server/client_link.ts";
import { Coordinator } from "../server/coordinator.ts";
import { GovernorLink } from "../server/governor_link.ts";
import { createMonitoring } from "../server/monitoring.ts";

const sink = { send() {}, close() {} };

async function measure(tasks: number, governors: number): Promise<number> {
  // The event stream with what a server feeds from it (monitor, live feed), as in a server.
  const monitoring = createMonitoring();
  const c = new Coordinator(monitoring.events);
  const links = Array.from(
    { length: governors },
    (_, i) => new GovernorLink(`g${i}:1`, 2, sink, c.events),
  );
  for (const g of links) c.addGovernor(g);
  const s = c.newSession({} as ClientLink, "bench");
  const objects: SubmitObject[] = [{
    spec: { id: [s.id, 0], label: "const", contentType: "", dataType: "blob", user: {} },
    keep: false,
    data: new Uint8Array([1]),
  }];
  const specs: TaskSpec[] = [];
  for (let i = 0; i < tasks; i++) {
    const out = tasks + 1 + i;
    specs.push({
      id: [s.id, 1 + i],
      taskType: "concat",
      config: null,
      inputs: [{ id: [s.id, 0], label: "" }],
      outputs: [[s.id, out]],
      resources: { cpus: 1 },
      user: {},
      name: "",
    });
    objects.push({
      spec: { id: [s.id, out], label: "0", contentType: "", dataType: "blob", user: {} },
      keep: false,
    });
  }
  const info = { startTime: 0, duration: 0 };
  const start = performance.now();
  c.submit(s, specs, objects);
  await Promise.resolve(); // the scheduler runs on a microtask
  // Report every assigned task finished, round after round, as governors would.
  while (s.unfinished > 0) {
    for (const g of links) {
      for (const t of [...g.tasks]) {
        const out = t.outputs[0]!.spec.id;
        c.finished(g, t.spec.id, info, [{ id: out, size: 1, hash: "" }]);
      }
    }
    await Promise.resolve();
  }
  const us = (performance.now() - start) * 1000 / tasks;
  monitoring.close();
  return us;
}

for (const governors of [1, 4, 16]) {
  for (const tasks of [1_000, 10_000, 100_000]) {
    await measure(tasks, governors); // warm up
    const us = await measure(tasks, governors);
    console.log(`${governors} governors, ${tasks} tasks: ${us.toFixed(2)} us per task`);
  }
}
