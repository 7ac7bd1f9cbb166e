/**
 * The two owners of per-governor state on the server: a `GovernorLink` owns
 * its load (claim/release), `locations.ts` owns where objects are (both an
 * object's `locations` and each governor's `objects` and `memory`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { EventLog } from "../../server/events/event_log.ts";
import { GovernorLink } from "../../server/governor_link.ts";
import {
  addLocation,
  clearGovernor,
  clearLocations,
  removeLocation,
} from "../../server/locations.ts";
import { EMPTY, type ObjectNode, type SessionState, type TaskNode } from "../../server/model.ts";

const sink = { send() {}, close() {} };
const events = new EventLog();
const session = {} as SessionState;

function object(n: number, size: number): ObjectNode {
  return {
    spec: { id: [1, n], label: "", contentType: "", dataType: "blob", user: {} },
    session,
    state: "finished",
    producer: null,
    consumers: 0,
    consumerTasks: EMPTY,
    unarchived: 0,
    dependents: EMPTY,
    keep: false,
    locations: EMPTY,
    data: null,
    info: { error: "", size, contentType: "", hash: "", debug: "", user: {} },
    waiters: null,
    heldForParts: false,
    content: null,
  };
}

function task(n: number, cpus: number): TaskNode {
  return {
    spec: {
      id: [1, n],
      taskType: "concat",
      config: null,
      inputs: [],
      outputs: [],
      resources: { cpus },
      user: {},
      name: "",
    },
    session,
    state: "ready",
    waitingFor: 0,
    inputs: [],
    outputs: [],
    governor: null,
    info: null,
    waiters: null,
    retries: 0,
  };
}

Deno.test("a governor's load counts a claimed task's cpus until its release, once", () => {
  const g = new GovernorLink("g:1", 4, sink, events);
  const t = task(1, 3);
  g.claim(t);
  assert.equal(t.governor, g);
  assert.equal(g.load, 3);
  assert.equal(g.free, 1);
  assert.deepEqual([...g.tasks], [t]);
  g.release(t);
  g.release(t);
  assert.equal(g.load, 0, "a second release changes nothing");
  assert.equal(g.tasks.size, 0);
  assert.equal(t.governor, g, "the task remembers where it ran");
});

Deno.test("locations change on both sides together: objects, governors and memory", () => {
  const g1 = new GovernorLink("g:1", 1, sink, events),
    g2 = new GovernorLink("g:2", 1, sink, events);
  const a = object(1, 10), b = object(2, 5);
  addLocation(a, g1);
  addLocation(a, g1);
  addLocation(a, g2);
  addLocation(b, g1);
  assert.deepEqual(a.locations, [g1, g2]);
  assert.equal(g1.memory, 15, "an object added twice counts once");
  removeLocation(a, g1);
  assert.deepEqual(a.locations, [g2]);
  assert.equal(g1.memory, 5);
  assert.ok(!g1.objects.has(a));
  assert.deepEqual(clearLocations(a), [g2]);
  assert.equal(a.locations.length, 0);
  assert.equal(g2.memory, 0);
  assert.deepEqual(clearGovernor(g1), [b]);
  assert.equal(b.locations.length, 0);
  assert.equal(g1.objects.size, 0);
  assert.equal(g1.memory, 0);
  assert.throws(
    () => EMPTY.push(undefined as never),
    TypeError,
    "the shared empty list stays empty",
  );
});
