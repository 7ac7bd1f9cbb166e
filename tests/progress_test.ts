/**
 * Progress in the client: `session.progress()`, `session.onProgress()` and
 * `progressBar()`, against a real server and governor.
 *
 * @module
 */
import assert from "node:assert/strict";
import { blob, formatProgress, type Progress, progressBar, tasks } from "../mod.ts";
import { startCluster } from "./_cluster.ts";

Deno.test("session.progress() reports the counts per state as tasks run, ending done", async () => {
  await using cluster = await startCluster({ governors: [2] });
  await using session = cluster.client.newSession({ name: "progress" });
  const steps = Array.from({ length: 6 }, (_, i) => tasks.sleep(blob(`${i}`), 0.25));
  tasks.concat(steps.map((t) => t.output));
  await session.submit();
  const reports: Progress[] = [];
  for await (const p of session.progress({ intervalMs: 50 })) reports.push(p);
  const last = reports.at(-1)!;
  assert.deepEqual(last, {
    waiting: 0,
    ready: 0,
    running: 0,
    finished: 7,
    failed: 0,
    total: 7,
    done: true,
    state: "open",
  });
  assert.ok(reports.length >= 3, `only ${reports.length} reports: they come as tasks finish`);
  assert.ok(reports.every((p) => p.total === 7));
  assert.ok(reports.slice(0, -1).every((p) => !p.done));
  assert.ok(reports[0]!.waiting === 1, "the concat waits for its inputs at first");
  assert.ok(reports.some((p) => p.running > 0), "tasks are seen running");
  for (let i = 1; i < reports.length; i++) {
    assert.ok(reports[i]!.finished >= reports[i - 1]!.finished, "finished never goes back");
  }
});

Deno.test("a failed session's progress ends with its state failed; onProgress resolves with it", async () => {
  await using cluster = await startCluster();
  await using session = cluster.client.newSession({ name: "fails" });
  tasks.execute(["sh", "-c", "sleep 0.1; exit 3"]);
  tasks.sleep(blob("x"), 30);
  await session.submit();
  const seen: Progress[] = [];
  const last = await session.onProgress((p) => seen.push(p), { intervalMs: 20 });
  assert.equal(last, seen.at(-1));
  assert.equal(last.state, "failed");
  assert.equal(last.failed, 1);
  assert.ok(last.done);
  await assert.rejects(session.waitAll(), /exited with code 3/);
});

Deno.test("progressBar() draws lines, or one line in place, ending at 100%", async () => {
  await using cluster = await startCluster();
  for (const inPlace of [false, true]) {
    await using session = cluster.client.newSession({ name: "bar" });
    for (let i = 0; i < 4; i++) tasks.sleep(blob("x"), 0.05);
    await session.submit();
    let text = "";
    const last = await progressBar(session, {
      write: (t) => text += t,
      inPlace,
      width: 10,
      intervalMs: 20,
      lineIntervalMs: 0,
    });
    assert.equal(last.finished, 4);
    if (inPlace) {
      assert.ok(text.startsWith("\r\x1b[2K["), JSON.stringify(text));
      assert.match(
        text,
        // The bar is redrawn with the terminal's erase-line sequence (ESC [2K).
        // deno-lint-ignore no-control-regex
        /\r\x1b\[2K\[##########\] 100% {2}4\/4 tasks {2}running 0 {2}failed 0 {2}\d+\.\d s\n$/,
      );
    } else {
      const lines = text.trimEnd().split("\n");
      assert.match(lines.at(-1)!, /^\[##########\] 100% {2}4\/4 tasks/);
      assert.ok(!text.includes("\r"));
    }
  }
});

Deno.test("formatProgress() shows a bar, the share of tasks ended and the counts", () => {
  const p: Progress = {
    waiting: 5,
    ready: 1,
    running: 4,
    finished: 28,
    failed: 2,
    total: 40,
    done: false,
    state: "open",
  };
  assert.equal(
    formatProgress(p, 20, 1500),
    "[###############-----]  75%  30/40 tasks  running 4  failed 2  1.5 s",
  );
  assert.equal(
    formatProgress({ ...p, state: "failed", done: true }, 4, 0),
    "[###-]  75%  30/40 tasks  running 4  failed 2  0.0 s  FAILED",
  );
});
