/**
 * The server's synthetic warm-up (`server/warm_up.ts`), run by `rain start`
 * and `rain server` before they listen.
 *
 * @module
 */
import assert from "node:assert/strict";
import { warmUpServer } from "../../server/warm_up.ts";

Deno.test("the warm-up runs its synthetic tasks to the end on a throwaway coordinator and leaves nothing running", async () => {
  // Deno's sanitizers fail the test if a timer or a stream of it outlives it.
  const { tasks, ms } = await warmUpServer(300, 2);
  assert.equal(tasks, 2 * (300 + 3));
  assert.ok(ms > 0);
});
