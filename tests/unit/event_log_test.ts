/**
 * The event log: the in-memory ring keeps its bound, log files round-trip,
 * and the monitor keeps closed sessions within its retention.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLog } from "../../server/events/event_log.ts";
import type { LoggedEvent, RainEvent } from "../../server/events/event_map.ts";
import { findLogFile, LogFileWriter, readLogFile } from "../../server/events/log_file.ts";
import { Monitor } from "../../server/monitor/monitor.ts";
import { replayLogFile } from "../../server/log_viewer.ts";
import { NO_USER, type TaskSpec } from "../../common/attributes.ts";

function spec(session: number, n: number, name: string): TaskSpec {
  return {
    id: [session, n],
    taskType: "concat",
    config: null,
    inputs: [],
    outputs: [],
    resources: { cpus: 1 },
    user: {},
    name,
  };
}

/** A session of `tasks` tasks that all finish, opened and closed. */
function session(id: number, tasks: number): RainEvent[] {
  const specs = Array.from({ length: tasks }, (_, n) => spec(id, n, `job/${n % 3}`));
  return [
    { type: "session:opened", session: id, name: `s${id}`, client: "127.0.0.1:1" },
    { type: "session:submitted", session: id, tasks: specs, objects: [] },
    ...specs.map((s): RainEvent => ({
      type: "task:finished",
      session: id,
      task: s.id[1],
      governor: "g:1",
      start: 1000,
      duration: 5,
      debug: "",
      user: {},
    })),
    { type: "session:closed", session: id },
  ];
}

Deno.test("the event log keeps exactly its last `capacity` events, in order, numbered from 1", () => {
  const log = new EventLog(100);
  const seen: number[] = [];
  log.on((_e, _time, seq) => seen.push(seq));
  for (let i = 0; i < 250; i++) log.emit({ type: "session:finished", session: i });
  assert.equal(log.seq, 250);
  assert.equal(seen.length, 250, "every event reaches the listeners");
  const kept = log.since(0);
  assert.equal(kept.length, 100);
  assert.deepEqual(kept.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => 151 + i));
  assert.deepEqual(
    kept.map((e) => (e as LoggedEvent & { session: number }).session),
    Array.from({ length: 100 }, (_, i) => 150 + i),
  );
  assert.deepEqual(log.since(240).map((e) => e.seq), [
    241,
    242,
    243,
    244,
    245,
    246,
    247,
    248,
    249,
    250,
  ]);
  assert.deepEqual(log.since(200, 3).map((e) => e.seq), [201, 202, 203]);
  assert.ok(kept.every((e) => e.time > 0));
  assert.throws(() => new EventLog(0), /positive integer/);
});

Deno.test("the event log gives back every kind of event as it was emitted, across the ring's wrap", () => {
  const log = new EventLog(7);
  const events: RainEvent[] = [
    { type: "task:ready", session: 3, task: 9 },
    { type: "task:assigned", session: 3, task: 9, governor: "g:1" },
    { type: "task:started", session: 3, task: 9, governor: "g:1", start: 1700000000123 },
    {
      type: "task:finished",
      session: 3,
      task: 9,
      governor: "g:1",
      start: 1700000000123,
      duration: 12.5,
      debug: "",
      user: NO_USER,
    },
    {
      type: "task:finished",
      session: 3,
      task: 10,
      governor: "g:2",
      start: 1,
      duration: 2,
      debug: "a note",
      user: { k: 1 },
    },
    {
      type: "object:stored",
      session: 3,
      object: 11,
      governor: "g:1",
      size: 2 ** 40,
      contentType: "json",
    },
    { type: "object:transferred", session: 3, object: 11, from: "g:1", to: "g:2", size: 5 },
    { type: "object:freed", session: 3, object: 11, governor: "g:1", size: 2 ** 40 },
    { type: "governor:lost", governor: "g:2", reason: "no heartbeat for 5001 ms" },
  ];
  for (const e of events) log.emit(e);
  const kept = log.since(0);
  assert.deepEqual(kept.map(({ seq: _s, time: _t, ...e }) => e), events.slice(2));
  assert.deepEqual(kept.map((e) => e.seq), [3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("the monitor keeps closed sessions within the retention, newest first, and never open ones", () => {
  const log = new EventLog(10);
  const monitor = new Monitor(log, { tasks: 25, sessions: 3 });
  const emit = (events: RainEvent[]) => events.forEach((e) => log.emit(e));
  log.emit({ type: "session:opened", session: 100, name: "open", client: "" });
  for (let id = 1; id <= 6; id++) emit(session(id, 10));
  // 25 tasks fit two closed sessions of 10 (the newest ones); the open one stays.
  assert.deepEqual([...monitor.sessions.keys()].sort((a, b) => a - b), [5, 6, 100]);
  assert.equal(monitor.sessions.get(6)!.summary().counts.finished, 10);
  // A session larger than the whole retention is still kept while it is the newest.
  emit(session(7, 40));
  assert.deepEqual([...monitor.sessions.keys()].sort((a, b) => a - b), [7, 100]);
  const log2 = new EventLog(10);
  const bySessions = new Monitor(log2, { tasks: 1000, sessions: 3 });
  for (let id = 1; id <= 6; id++) session(id, 1).forEach((e) => log2.emit(e));
  assert.deepEqual([...bySessions.sessions.keys()], [4, 5, 6]);
});

Deno.test("a log file round-trips every event with its number and time, and replays into the same monitor", async () => {
  const dir = await mkdtemp(join(tmpdir(), "rain-log-"));
  try {
    const log = new EventLog();
    const live = new Monitor(log, {});
    const errors: Error[] = [];
    const file = await LogFileWriter.create(join(dir, "sub"), (e) => errors.push(e));
    log.on((e, time, seq) => file.write(e, time, seq));
    log.emit({ type: "server:started", version: 1 });
    log.emit({ type: "governor:joined", governor: "g:1", cpus: 4 });
    for (const e of session(1, 5)) log.emit(e);
    log.emit({ type: "session:opened", session: 2, name: "fails", client: "c:2" });
    log.emit({
      type: "session:failed",
      session: 2,
      error: 'Task "x" failed: boom\nStderr:\nline "2"',
    });
    await file.close();
    assert.deepEqual(errors, []);
    const read: LoggedEvent[] = [];
    for await (const e of readLogFile(file.path)) read.push(e);
    assert.deepEqual(read, log.since(0), "the file holds the same events, numbers and times");
    assert.equal(await findLogFile(join(dir, "sub")), file.path);
    const replayed = await replayLogFile(file.path);
    assert.deepEqual(
      [...replayed.monitor.sessions.values()].map((s) => s.summary()),
      [...live.sessions.values()].map((s) => s.summary()),
    );
    assert.deepEqual(replayed.monitor.governors, live.governors);
    // A last line cut short (a server that died mid-write) is skipped; a bad line before it is not.
    const text = await readFile(file.path, "utf8");
    await writeFile(file.path, text + '{"seq":99,"ti');
    let n = 0;
    for await (const _ of readLogFile(file.path)) n++;
    assert.equal(n, read.length);
    await writeFile(file.path, "not json\n" + text);
    await assert.rejects(async () => {
      for await (const _ of readLogFile(file.path));
    }, /line 1/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
