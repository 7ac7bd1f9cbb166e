/**
 * Seeing the cluster from the command line: `rain status` (tables and
 * `--json`), the log lines of `rain start` at each level, the dashboard URL
 * and event log file it prints, and `rain dashboard` opening that log after
 * the server is gone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { blob, Client, tasks } from "../mod.ts";
import { formatStatus } from "../cli/status_table.ts";
import type { GovernorSummary } from "../server/monitor/monitor.ts";
import type { SessionSummary } from "../server/monitor/session_record.ts";
import { runCli, simpleStart, startCli } from "./_cli.ts";
import { tempDir } from "./_util.ts";

const at = (h: number, m: number, s: number) => new Date(2025, 0, 2, h, m, s).getTime();

function governor(over: Partial<GovernorSummary>): GovernorSummary {
  return {
    id: "10.0.0.1:4000",
    cpus: 8,
    used: 3,
    tasks: 3,
    finished: 1200,
    objects: 14,
    bytes: 3 * 1024 * 1024,
    memory: 250 * 1024 * 1024,
    joined: at(9, 0, 0),
    lost: 0,
    reason: "",
    ...over,
  };
}

function session(over: Partial<SessionSummary>): SessionSummary {
  return {
    id: 1,
    name: "etl",
    client: "10.0.0.9:5000",
    state: "open",
    error: "",
    counts: { waiting: 5, ready: 2, running: 3, finished: 90, failed: 0 },
    tasks: 100,
    opened: at(9, 1, 0),
    ended: 0,
    finished: 0,
    ...over,
  };
}

Deno.test("rain status prints aligned tables of governors and sessions, a failure's error under it", () => {
  const text = formatStatus({
    governors: [
      governor({}),
      governor({
        id: "10.0.0.2:4000",
        used: 0,
        tasks: 0,
        lost: at(9, 30, 0),
        reason: "no heartbeat for 5012 ms",
      }),
    ],
    sessions: [
      session({}),
      session({
        id: 2,
        name: "report",
        state: "failed",
        error:
          'Task "report/pdf" (execute 2/7) failed: Program "sh" exited with code 2\nStderr:\nno fonts',
        counts: { waiting: 0, ready: 0, running: 0, finished: 3, failed: 1 },
        tasks: 4,
        opened: at(9, 2, 0),
        ended: at(9, 2, 1) + 500,
      }),
    ],
  }, at(9, 3, 30));
  assert.equal(
    text,
    [
      "Governors: 1 connected, 1 lost",
      "  GOVERNOR       CPUS  RUNNING  FINISHED  OBJECTS   STORED   MEMORY  JOINED    STATUS",
      "  10.0.0.1:4000   3/8        3      1200       14  3.0 MiB  250 MiB  09:00:00  connected",
      "  10.0.0.2:4000   0/8        0      1200       14  3.0 MiB  250 MiB  09:00:00  lost 09:30:00: no heartbeat for 5012 ms",
      "",
      "Sessions: 2",
      "  ID  NAME    CLIENT         STATE    WAITING  READY  RUNNING  FINISHED  FAILED  STARTED     DURATION",
      "   2  report  10.0.0.9:5000  failed         0      0        0         3       1  09:02:00       1.5 s",
      '      Task "report/pdf" (execute 2/7) failed: Program "sh" exited with code 2',
      "      Stderr:",
      "      no fonts",
      "   1  etl     10.0.0.9:5000  running        5      2        3        90       0  09:01:00  2 min 30 s",
      "",
    ].join("\n"),
  );
  assert.equal(
    formatStatus({ governors: [], sessions: [] }, 0),
    "Governors: 0 connected, 0 lost\n\nSessions: 0\n",
  );
});

Deno.test("rain start logs sessions and governors with timestamps, prints the dashboard, and its log opens with rain dashboard", async () => {
  await using dir = await tempDir();
  const logDir = join(dir.path, "logs");
  await using rain = startCli([...simpleStart(2), "--log-dir", logDir]);
  const [, address] = await rain.waitFor(/Rain server listening on (\S+:\d+)/);
  const [, url] = await rain.waitFor(/^Dashboard: (http:\S+)$/);
  assert.match(url!, new RegExp(`^http://${address}/dashboard/\\?token=[\\w-]{43}$`));
  const [, logFile] = await rain.waitFor(/^Event log: (.*\.ndjson)$/);
  const iso = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
  await rain.waitFor(
    new RegExp(`^rain: ${iso} governor \\S+ joined with 2 cpus$`),
    30_000,
    "stderr",
  );
  const client = await Client.connect(address!);
  try {
    {
      await using s = client.newSession({ name: "fine" });
      for (let i = 0; i < 4; i++) tasks.concat([blob("a"), blob("b")], { name: `fine/${i}` });
      await s.submit();
      await s.waitAll();
    }
    const bad = client.newSession({ name: "bad" });
    tasks.execute(["sh", "-c", "echo broken >&2; exit 4"], { name: "bad/step" });
    await bad.submit();
    await assert.rejects(bad.waitAll(), /broken/);
    await rain.waitFor(
      new RegExp(`^rain: ${iso} session 1 "fine" opened by 127\\.0\\.0\\.1:\\d+$`),
      10_000,
      "stderr",
    );
    await rain.waitFor(
      /session 1 "fine" finished: 4 of 4 tasks finished, 0 failed/,
      10_000,
      "stderr",
    );
    await rain.waitFor(/session 1 "fine" closed: 4 of 4 tasks finished/, 10_000, "stderr");
    await rain.waitFor(
      /session 2 "bad" failed: Task "bad\/step" .* exited with code 4$/,
      10_000,
      "stderr",
    );
    await rain.waitFor(/^ {4}broken$/, 10_000, "stderr");
    assert.ok(!rain.stderr.some((l) => /task:/.test(l)), "no per-task lines at the normal level");

    const status = await runCli(["status", address!]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Governors: 1 connected, 0 lost$/m);
    assert.match(status.stdout, /^ +2 +bad +127\.0\.0\.1:\d+ +failed +0 +0 +0 +0 +1 /m);
    assert.match(status.stdout, /^ {6}Stderr:$/m);
    assert.match(status.stdout, /^ +1 +fine +\S+ +closed +0 +0 +0 +4 +0 /m);
    const json = await runCli(["status", address!, "--json"]);
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(
      parsed.sessions.map((s: SessionSummary) => [s.id, s.name, s.state, s.counts.finished]),
      [[1, "fine", "closed", 4], [2, "bad", "failed", 0]],
    );
    assert.equal(parsed.governors.length, 1);
    await bad.close();
  } finally {
    await client.close();
  }
  rain.child.kill("SIGINT");
  assert.equal((await rain.exited(10_000)).code, 0);
  assert.deepEqual(await readdir(logDir), [logFile!.split("/").pop()]);

  // The run's log, opened after the server is gone.
  await using viewer = startCli(["dashboard", logDir, "--listen", "127.0.0.1:0"]);
  await viewer.waitFor(/^Event log .*\.ndjson: \d+ events, 2 sessions$/);
  const [, view, secret] = await viewer.waitFor(
    /^Dashboard: http:\/\/(\S+)\/dashboard\/\?token=(\S+)$/,
  );
  const replayed = await runCli(["status", view!]);
  assert.match(replayed.stdout, /^Governors: 0 connected, 1 lost$/m);
  assert.match(replayed.stdout, /^ +2 +bad +\S+ +failed /m);
  assert.equal(
    (await fetch(`http://${view}/dashboard/`)).status,
    401,
    "the viewer has a secret too",
  );
  const page = await fetch(`http://${view}/dashboard/?token=${secret}`);
  assert.match(await page.text(), /Rain dashboard/);
  viewer.child.kill("SIGTERM");
  assert.equal((await viewer.exited(10_000)).code, 0);
});

Deno.test("rain start --quiet logs failures only; --verbose logs every event; both together are refused", async () => {
  for (const level of ["--quiet", "--verbose"]) {
    await using rain = startCli([...simpleStart(1), level]);
    const [, address] = await rain.waitFor(/Rain server listening on (\S+:\d+)/);
    const client = await Client.connect(address!);
    try {
      const s = client.newSession({ name: "q" });
      tasks.execute(["false"], { name: "fails" });
      await s.submit();
      await assert.rejects(s.waitAll());
      await rain.waitFor(/session 1 "q" failed: /, 10_000, "stderr");
      if (level === "--verbose") {
        await rain.waitFor(/task:failed session=1 task=0 governor=\S+ start=\d+/, 10_000, "stderr");
        await rain.waitFor(/session 1 submitted 1 tasks, 0 objects/, 10_000, "stderr");
      }
      await s.close();
    } finally {
      await client.close();
    }
    rain.child.kill("SIGINT");
    assert.equal((await rain.exited(10_000)).code, 0);
    const lines = rain.stderr.join("\n");
    if (level === "--quiet") {
      assert.doesNotMatch(
        lines,
        / joined with | opened by | closed: /,
        `--quiet leaves out all but failures:\n${lines}`,
      );
    } else assert.match(lines, /governor \S+ joined/);
  }
  const both = await runCli(["server", "--quiet", "--verbose"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--quiet and --verbose exclude each other/);
});
