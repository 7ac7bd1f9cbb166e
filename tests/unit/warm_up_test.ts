/**
 * The server's synthetic warm-up (`cli/warm_up.ts`), run by `rain start`
 * and `rain server` before they listen.
 *
 * @module
 */
import assert from "node:assert/strict";
import { warmUp } from "../../cli/warm_up.ts";

Deno.test("the warm-up runs its synthetic tasks to the end on a throwaway coordinator and leaves nothing running", async () => {
  // Deno's sanitizers fail the test if a timer or a stream of it outlives it.
  for (const withGovernor of [false, true]) {
    const { tasks, ms } = await warmUp(withGovernor, 300, 2);
    assert.equal(tasks, 2 * (300 + 3));
    assert.ok(ms > 0);
  }
});
