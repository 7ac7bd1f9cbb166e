/**
 * The load test (`bench/load.ts`) at CI size: 20 concurrent clients on
 * separate connections in 4 client processes, 200 small tasks each, every
 * result fetched and checked, against `rain server` and two `rain governor`
 * processes, with authentication on (the clients find the token file). The
 * full size (100 clients x 1,000 tasks) is `deno run -A bench/load.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runLoad } from "../bench/load.ts";

Deno.test("load: 20 clients in 4 processes x 200 tasks, every result right", async () => {
  const r = await runLoad({ clients: 20, processes: 4, tasks: 200, governors: 2 });
  console.log(
    `load: ${r.tasks} tasks; clients took ${r.clientSeconds.toFixed(1)} s ` +
      `(${Math.round(r.tasksPerSecond)} tasks/s), ${r.seconds.toFixed(1)} s in all`,
  );
  assert.equal(r.tasks, 4000);
  assert.equal(r.right, 4000);
});
