/**
 * The dashboard stays responsive with 100,000 tasks in a session: the server
 * aggregates name groups and pages their rows, so the task inspector's first
 * render and each group expansion take well under a second in headless
 * Chromium. Prints the figures.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "npm:playwright-core@^1.65.1";
import { blob, Client, tasks } from "../mod.ts";
import { startGovernor } from "../governor/mod.ts";
import { startServer } from "../server/mod.ts";
import { launchBrowser, screenshot, scriptErrors } from "./_browser.ts";
import { until } from "./_util.ts";

const TASKS = 100_000;
const LIMIT_MS = 1000;
/** Rows the inspector shows per page (`PAGE` in dashboard/inspector.js). */
const PAGE = 100;

/**
 * Milliseconds, timed inside the page, from a click on `target` until
 * `selector` matches at least `count` elements: what the user waits for,
 * without the test's round trips to the browser.
 */
async function timed(page: Page, target: string, selector: string, count = 1): Promise<number> {
  const script = `(async () => {
    const t0 = performance.now();
    document.querySelector(${JSON.stringify(target)}).click();
    const deadline = t0 + 30000;
    while (document.querySelectorAll(${JSON.stringify(selector)}).length < ${count}) {
      if (performance.now() > deadline) throw new Error("Timed out waiting for ${count} of ${
    selector.replaceAll('"', "'")
  }");
      await new Promise((r) => requestAnimationFrame(r));
    }
    return performance.now() - t0;
  })()`;
  return await page.evaluate(script) as number;
}

Deno.test({
  name:
    "with 100,000 finished tasks in a session, the inspector renders and expands groups in < 1 s",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Building 100,000 tasks blocks this process (client, server and governor) for seconds
    // on a busy machine: heartbeats must not time out meanwhile.
    const server = await startServer({ port: 0, heartbeatTimeoutMs: 600_000 });
    const address = `127.0.0.1:${server.port}`;
    const token = server.token!;
    const governor = await startGovernor({ server: address, token, cpus: 2 });
    const client = await Client.connect(address, { token });
    try {
      const session = client.newSession({ name: "100k tasks" });
      const a = blob("a"), b = blob("b");
      // Half share one name, half have a name each (50,000 groups of one task).
      for (let i = 0; i < TASKS / 2; i++) tasks.concat([a, b], { name: "bulk/same" });
      for (let i = 0; i < TASKS / 2; i++) tasks.concat([a, b], { name: `bulk/unique/${i}` });
      const t0 = performance.now();
      await session.submit();
      await session.waitAll();
      console.log(`${TASKS} tasks ran in ${(performance.now() - t0).toFixed(0)} ms`);
      const record = server.monitoring.monitor.sessions.get(session.id)!;
      assert.equal(record.summary().counts.finished, TASKS);

      await using browser = await launchBrowser();
      const page = await browser.page();
      await page.goto(`http://${address}/dashboard/?token=${token}`);
      await page.locator(`tr[data-session="${session.id}"]`).waitFor();
      // From a click on the session to its inspector's rows.
      const first = await timed(
        page,
        `tr[data-session="${session.id}"] a`,
        '#inspector tr.group[data-path="bulk"]',
      );
      assert.match(
        await page.locator('#inspector tr.group[data-path="bulk"]').textContent() ?? "",
        /100,000 tasks/,
      );
      const bulk = await timed(
        page,
        '#inspector tr.group[data-path="bulk"] td',
        '#inspector tr.group[data-path="bulk/unique"]',
      );
      const same = await timed(
        page,
        '#inspector tr.group[data-path="bulk/same"] td',
        "#inspector tr.task",
        PAGE,
      );
      const unique = await timed(
        page,
        '#inspector tr.group[data-path="bulk/unique"] td',
        "#inspector tr.task",
        2 * PAGE,
      );
      // A page of rows at a time: the next one comes on request.
      assert.equal(await page.locator("#inspector tr.task").count(), 2 * PAGE);
      const more = await timed(
        page,
        "#inspector button.more",
        "#inspector tr.task",
        3 * PAGE,
      );
      await until(
        async () => Number(await page.locator("#timeline").getAttribute("data-bars")) > 0,
        "the timeline",
        30_000,
      );
      await screenshot(page, "5-100k-tasks");
      const figures = { first, bulk, same, unique, more };
      console.log(
        `inspector with ${TASKS} tasks (ms): ` +
          Object.entries(figures).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", "),
      );
      for (const [what, ms] of Object.entries(figures)) {
        assert.ok(ms < LIMIT_MS, `${what} took ${ms.toFixed(0)} ms (limit ${LIMIT_MS} ms)`);
      }
      assert.deepEqual(scriptErrors(page), []);
      await session.close();
    } finally {
      await client.close();
      await governor.close();
      await server.close();
    }
  },
});
