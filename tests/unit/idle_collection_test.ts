/**
 * The server gives memory back when it goes idle after a burst: one full
 * collection once no open session has an unfinished task, after enough
 * tasks that the process grew. The coordinator and its event stream run for
 * real (the governor connection is a sink); the collector and the memory
 * reading are counted and set by the test, and the runtime's collector is
 * checked on its own.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Coordinator } from "../../server/coordinator.ts";
import { GovernorLink } from "../../server/governor_link.ts";
import type { ClientLink } from "../../server/client_link.ts";
import { EventLog } from "../../server/events/event_log.ts";
import { collectWhenIdle } from "../../server/idle_collection.ts";
import type { SessionState } from "../../server/model.ts";
import { unpackSubmitObject, unpackTaskSpec } from "../../protocol/submit_packing.ts";
import { runtime } from "../../runtime/mod.ts";

const HASH = "xxh128:0123456789abcdef0123456789abcdef";
const MB = 1024 * 1024;

function setUp() {
  const c = new Coordinator(new EventLog(1000));
  const g = new GovernorLink("g1:1", 2, { send() {}, close() {} }, c.events);
  c.addGovernor(g);
  const state = { memory: 100 * MB, collections: [] as number[] };
  const stop = collectWhenIdle(c.events, {
    sessions: c.sessions,
    // Records the unfinished tasks of every session at the time of each collection.
    collect: () => {
      let unfinished = 0;
      for (const s of c.sessions.values()) unfinished += s.unfinished;
      state.collections.push(unfinished);
      state.memory = 100 * MB;
    },
    residentMemory: () => state.memory,
    minTasks: 100,
    minGrowth: 64 * MB,
  });
  /** Submits `count` concat tasks of one constant, numbered from `first`. */
  const submit = (s: SessionState, first: number, count: number) => {
    const specs = [],
      objects = [
        unpackSubmitObject([first, "", "", "blob", null, false, new Uint8Array(1), null], s.id),
      ];
    for (let k = 0; k < count; k++) {
      const t = first + 1 + 2 * k;
      specs.push(unpackTaskSpec([t, "concat", null, 1, "", null, 1, first, "", t + 1], s.id));
      objects.push(unpackSubmitObject([t + 1, "", "", "blob", null, false, null, null], s.id));
    }
    c.submit(s, specs, objects);
  };
  /** Reports finished up to `count` tasks of a session that the governor holds. */
  const finish = async (s: SessionState, count = Infinity) => {
    for (let done = 0; done < count;) {
      await new Promise((r) => setTimeout(r, 0));
      const mine = [...g.tasks].filter((t) => t.session === s);
      if (mine.length === 0) return;
      for (const t of mine.slice(0, count - done)) {
        c.finished(g, t.spec.id, { startTime: 1, duration: 1 }, [{
          id: t.outputs[0]!.spec.id,
          size: 1,
          hash: HASH,
        }]);
        done++;
      }
    }
  };
  const session = (name: string) => c.newSession({ address: "test" } as ClientLink, name);
  return { c, state, stop, submit, finish, session };
}

Deno.test("an idle server collects once after a burst that grew it, before answering the burst's waiters", async () => {
  const { c, state, stop, submit, finish, session } = setUp();
  const s = session("burst");
  submit(s, 0, 300);
  let answered = -1;
  c.waitAll(s, {
    remaining: 0,
    done: () => answered = state.collections.length,
    fail: (m) => assert.fail(m),
  });
  state.memory = 200 * MB;
  await finish(s);
  assert.equal(s.unfinished, 0);
  assert.deepEqual(state.collections, [0], "one collection, with nothing unfinished");
  assert.equal(answered, 1, "the waiter was answered after the collection");
  stop();
});

Deno.test("no collection while another session has unfinished tasks, after a small burst, or without growth", async () => {
  const { state, stop, submit, finish, session } = setUp();
  const busy = session("busy"), burst = session("burst");
  submit(busy, 0, 10);
  submit(burst, 0, 300);
  state.memory = 200 * MB;
  await finish(burst);
  assert.deepEqual(state.collections, [], "the busy session still has work");
  await finish(busy);
  assert.deepEqual(state.collections, [0], "collected once the busy session finished too");
  // Fewer tasks than minTasks since: no look at the memory, however grown.
  state.memory = 300 * MB;
  submit(burst, 1000, 50);
  await finish(burst);
  assert.equal(state.collections.length, 1);
  // Enough tasks, but the memory grew less than minGrowth since the last collection.
  state.memory = 100 * MB + 63 * MB;
  submit(burst, 2000, 300);
  await finish(burst);
  assert.equal(state.collections.length, 1);
  stop();
});

Deno.test("the runtime's collector frees unreachable memory at once", () => {
  const collect = runtime.collectGarbage;
  assert.ok(collect, "Deno can collect on demand");
  collect();
  const before = Deno.memoryUsage().heapUsed;
  let garbage: unknown[] | null = [];
  for (let i = 0; i < 500_000; i++) garbage.push({ i, a: [i, i] });
  assert.ok(Deno.memoryUsage().heapUsed > before + 20 * MB);
  garbage = null;
  collect();
  assert.ok(
    Deno.memoryUsage().heapUsed < before + 5 * MB,
    `heap ${(Deno.memoryUsage().heapUsed - before) / MB} MB above where it was`,
  );
});
