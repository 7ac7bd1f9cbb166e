/**
 * The dashboard in headless Chromium against a real cluster (a server and
 * two governor processes) running a real pipeline of named tasks, a failing
 * session and a long one: everything appears and updates live, without a
 * reload. Screenshots go to `test-output/dashboard/`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "npm:playwright-core@^1.65.1";
import { blob, tasks } from "../mod.ts";
import { startProcessCluster } from "./_process_cluster.ts";
import { launchBrowser, screenshot, scriptErrors } from "./_browser.ts";
import { until } from "./_util.ts";

/** The pipeline's tasks by top-level group and sub-group. */
const PIPELINE = { "prep/load": 4, "prep/clean": 6, "model/train": 3, "model/score": 1 };

/** Submits the pipeline: program tasks that take a while, and quick built-ins. */
function pipeline() {
  const raw = blob("id,value\n1,10\n2,20\n", { contentType: "text" });
  const loaded = Array.from(
    { length: PIPELINE["prep/load"] },
    (_, i) =>
      tasks.execute(["sh", "-c", `sleep 0.${2 + i % 3}; cat`], {
        stdin: raw,
        stdout: true,
        name: `prep/load/part-${i}`,
      }),
  );
  const cleaned = Array.from(
    { length: PIPELINE["prep/clean"] },
    (_, i) => tasks.concat([loaded[i % loaded.length]!.output, raw], { name: "prep/clean" }),
  );
  const trained = Array.from(
    { length: PIPELINE["model/train"] },
    (_, i) =>
      tasks.execute(["sh", "-c", "sleep 0.3; wc -c"], {
        stdin: cleaned[i]!.output,
        stdout: true,
        name: `model/train/fold-${i}`,
      }),
  );
  const score = tasks.concat(trained.map((t) => t.output), { name: "model/score" });
  score.output.keep();
  return score;
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? "";
}

/** Waits (without reloading) until the text of the first match of a selector is as expected. */
function untilText(page: Page, selector: string, expected: string | RegExp): Promise<void> {
  return until(
    async () => {
      const t = await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => "");
      return typeof expected === "string" ? t === expected : expected.test(t ?? "");
    },
    `"${selector}" to show ${expected}`,
    20_000,
  );
}

Deno.test({
  name:
    "the dashboard shows governors, sessions, name groups, a failed task's stderr and the timeline, live",
  // playwright-core keeps its own connection and timers to the browser process.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using cluster = await startProcessCluster([2, 2]);
    await using browser = await launchBrowser();
    const page = await browser.page();
    // Once with the secret, as the URL `rain start` prints; the page then carries its cookie.
    await page.goto(`http://${cluster.address}/dashboard/?token=${cluster.token}`);
    // Both governors, by their ids.
    for (const g of cluster.governors) {
      await page.locator(`#governors tr[data-governor="${g.id}"]`).waitFor();
    }
    await page.locator("#status.live").waitFor();
    await screenshot(page, "1-empty-cluster");

    // Sessions started after the page loaded appear and progress without a reload.
    const { client } = cluster;
    const work = client.newSession({ name: "pipeline" });
    const score = pipeline();
    await work.submit();
    const row = page.locator(`tr[data-session="${work.id}"]`);
    await row.waitFor();
    assert.match(await row.textContent() ?? "", /pipeline/);
    await score.output.fetch();
    await work.waitAll();
    const total = Object.values(PIPELINE).reduce((a, b) => a + b, 0);
    await untilText(page, `tr[data-session="${work.id}"] td.count-finished`, String(total));
    // The governors' finished counts add up to the tasks run.
    await until(
      async () => {
        const cells = await page.locator("#governors tbody tr td:nth-child(4)").allTextContents();
        return cells.reduce((a, c) => a + Number(c), 0) === total;
      },
      "the governors' finished counts",
      20_000,
    );

    const failing = client.newSession({ name: "broken ingest" });
    tasks.execute(["sh", "-c", "echo partial; echo 'boom: disk on fire' >&2; exit 7"], {
      name: "ingest/fetch/bad",
    });
    await failing.submit();
    await assert.rejects(failing.waitAll(), /boom: disk on fire/);
    const long = client.newSession({ name: "long training" });
    for (let i = 0; i < 2; i++) tasks.sleep(blob("x"), 120, { name: `train/epoch-${i}` });
    await long.submit();

    await page.locator(`tr[data-session-error="${failing.id}"]`).waitFor();
    assert.match(await text(page, `tr[data-session-error="${failing.id}"]`), /boom: disk on fire/);
    await untilText(page, `tr[data-session="${long.id}"] td.count-running`, "2");
    assert.match(await text(page, `tr[data-session="${long.id}"]`), /running/);
    await screenshot(page, "2-cluster-and-sessions");

    // The task inspector: name groups with their counts.
    await row.click();
    await page.locator('#inspector tr.group[data-path="prep"]').waitFor();
    const counts = async (path: string) =>
      Number(await text(page, `#inspector tr.group[data-path="${path}"] td.count-finished`));
    assert.equal(await counts("prep"), PIPELINE["prep/load"] + PIPELINE["prep/clean"]);
    assert.equal(await counts("model"), PIPELINE["model/train"] + PIPELINE["model/score"]);
    await page.click('#inspector tr.group[data-path="prep"]');
    await page.locator('#inspector tr.group[data-path="prep/load"]').waitFor();
    assert.equal(await counts("prep/load"), PIPELINE["prep/load"]);
    assert.equal(await counts("prep/clean"), PIPELINE["prep/clean"]);
    assert.match(await text(page, '#inspector tr.group[data-path="prep/load"]'), /4 tasks/);

    // The timeline draws one bar per finished task.
    await until(
      async () => await page.locator("#timeline").getAttribute("data-bars") === String(total),
      "one timeline bar per finished task",
      20_000,
    );
    // A task's detail: its inputs and outputs with sizes and content types.
    await page.click('#inspector tr.group[data-path="prep/load"]');
    await page.locator("#inspector tr.task").first().click();
    await page.locator("#task-detail[data-task]").waitFor();
    const detail = await text(page, "#task-detail");
    assert.match(detail, /prep\/load\/part-\d/);
    assert.match(detail, /Inputs.*stdin.*finished.*\d+ B.*text/s);
    assert.match(detail, /Outputs.*stdout/s);
    await screenshot(page, "3-pipeline-session");

    // The failed session: its error up front, and its failed task's stderr tail.
    await page.click('a[href="#/"]');
    await page.click(`tr[data-session="${failing.id}"] a`);
    await page.locator("#session-error").waitFor();
    assert.match(await text(page, "#session-error"), /exited with code 7[\s\S]*boom: disk on fire/);
    await page.click('#inspector tr.group[data-path="ingest"]');
    await page.click('#inspector tr.group[data-path="ingest/fetch"]');
    assert.match(await text(page, '#inspector tr.group[data-path="ingest"]'), /1 task/);
    await page.locator("#inspector tr.task").first().click();
    await page.locator("#task-error").waitFor();
    assert.match(await text(page, "#task-error"), /Stderr:\s*boom: disk on fire/);
    await screenshot(page, "4-failed-session");
    assert.deepEqual(scriptErrors(page), []);
    await long.close();
    await work.close();
    await failing.close();
  },
});
