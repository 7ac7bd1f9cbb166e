/**
 * Every message of the client, governor and executor protocols and every
 * reply the client reads: a sample of each survives a frame round trip and
 * validates back to itself (the packed ones to their unpacked form), and
 * each of its fields, made wrong, is refused with an error naming it.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ObjectSpec, TaskSpec } from "../../common/attributes.ts";
import { ProtocolError } from "../../common/errors.ts";
import { validateClientMessage, validateServerToClient } from "../../protocol/client.ts";
import { replies } from "../../protocol/client_replies.ts";
import { decodeCbor, decodeFrame, encodeCbor, encodeFrame } from "../../protocol/codec.ts";
import { validateExecutorMessage, validateRunMessage } from "../../protocol/executor.ts";
import { validateGovernorMessage, validateServerToGovernor } from "../../protocol/governor.ts";
import { packReport } from "../../protocol/packed_report.ts";
import { packInput, packOutput, packTask } from "../../protocol/packed_task.ts";
import { remoteConfig } from "../../protocol/remote_config.ts";
import { packSubmitObject, packTaskSpec } from "../../protocol/submit_packing.ts";
import { validate, type Validator } from "../../protocol/validate.ts";

const taskSpec: TaskSpec = {
  id: [4, 3],
  taskType: "remote",
  config: null,
  inputs: [{ id: [4, 1], label: "x" }],
  outputs: [[4, 5]],
  resources: { cpus: 1 },
  user: { a: 1 },
  name: "job",
};
const objectSpec: ObjectSpec = {
  id: [4, 5],
  label: "out",
  contentType: "json",
  dataType: "blob",
  user: {},
};
const taskInfo = {
  error: "",
  startTime: 1000,
  duration: 2,
  governor: "127.0.0.1:9",
  debug: "",
  user: {},
};
const hash = "xxh128:0123456789abcdef0123456789abcdef";
const objectInfo = { error: "", size: 3, contentType: "json", hash, debug: "", user: {} };
const config = {
  fn: { source: "(ctx, x) => x" },
  args: new Uint8Array([0x80]),
  inputs: [0],
  params: { x: { load: true } },
  autoLoad: false,
  encode: [""],
};
const bytes = new Uint8Array([1, 2, 3]);

/** A message, and what its validator returns for it when that differs (packed messages). */
type Sample = [message: Record<string, unknown>, validated?: unknown];

const clientMessages: Sample[] = [
  [{ type: "hello", version: 2 }],
  [{ type: "newSession", rid: 1, name: "s" }],
  [
    {
      type: "submit",
      rid: 2,
      session: 4,
      tasks: [packTaskSpec(taskSpec)],
      objects: [packSubmitObject(objectSpec, true, bytes, hash)],
      more: true,
    },
    {
      type: "submit",
      rid: 2,
      session: 4,
      tasks: [taskSpec],
      objects: [{ spec: objectSpec, keep: true, data: bytes, hash }],
      more: true,
    },
  ],
  [{ type: "wait", rid: 3, session: 4, tasks: [3], objects: [5] }],
  [{ type: "waitAll", rid: 4, session: 4 }],
  [{ type: "fetch", rid: 5, session: 4, id: 5 }],
  [{ type: "corrupt", rid: 11, session: 4, id: 5, location: "127.0.0.1:9", error: "bad" }],
  [{ type: "unkeep", rid: 6, session: 4, ids: [5] }],
  [{ type: "update", rid: 7, session: 4, tasks: [3], objects: [] }],
  [{ type: "closeSession", rid: 8, session: 4 }],
  [{ type: "progress", rid: 10, session: 4 }],
  [{ type: "serverInfo", rid: 9 }],
  [{ type: "contents", rid: 12, items: [{ hash, dataType: "dir", size: 7 }] }],
];

const serverToClient: Sample[] = [
  [{ type: "welcome", version: 2 }],
  [{ type: "reply", rid: 1, value: { any: "thing" } }],
  [{ type: "error", rid: 1, message: "No", code: "NO_SESSION" }],
];

const packedTask = packTask({ ...taskSpec, taskType: "concat" });
packInput(packedTask, 1, "x", "", bytes, "json");
packOutput(packedTask, 5, "out", "json", "blob", true);

const serverToGovernor: Sample[] = [
  [{ type: "registered", id: "127.0.0.1:9" }],
  [{ type: "refused", message: "No" }],
  [{
    type: "assign",
    task: {
      spec: taskSpec,
      outputs: [objectSpec],
      sources: ["127.0.0.1:8"],
      keep: [true],
      inputs: [objectSpec],
    },
  }],
  [{ type: "run", task: packedTask }, {
    type: "run",
    task: {
      spec: {
        id: [4, 3],
        taskType: "concat",
        config: null,
        inputs: [{ id: [4, 1], label: "x" }],
        outputs: [[4, 5]],
        resources: { cpus: 1 },
      },
      outputs: [{ id: [4, 5], label: "out", contentType: "json" }],
      keep: [true],
    },
    inline: [{ id: [4, 1], data: bytes, contentType: "json" }],
  }],
  [{ type: "put", id: [4, 1], data: bytes, contentType: "json", dataType: "dir", hash }],
  [{ type: "free", session: 4, ns: [1, 2] }],
  [{ type: "stopSession", session: 4 }],
  [{ type: "bind", id: [4, 1], hash, dataType: "blob", size: 3, contentType: "json" }],
  [{ type: "dropContent", hash, dataType: "dir" }],
];

const finished = {
  type: "finished",
  id: [4, 3],
  info: { startTime: 1000, duration: 2 },
  outputs: [{ id: [4, 5], size: 3, hash, data: bytes }],
};

const governorMessages: Sample[] = [
  [{ type: "register", version: 3, address: "127.0.0.1:9", cpus: 2 }],
  [{ type: "started", id: [4, 3], startTime: 1000 }],
  [{
    type: "finished",
    id: [4, 3],
    info: { startTime: 1000, duration: 2, debug: "d", user: { u: 1 } },
    outputs: [
      { id: [4, 5], size: 3, hash, contentType: "json", debug: "d", user: {}, data: bytes },
    ],
  }],
  [{
    type: "done",
    report: packReport([4, 3], finished.info, [{ id: [4, 5], size: 3, hash, data: bytes }]),
  }, finished],
  [{ type: "failed", id: [4, 3], info: taskInfo, lostInput: { id: [4, 1], source: "h:1" } }],
  [{ type: "heartbeat", memory: 1024 }],
  [{ type: "heartbeat" }],
  [{ type: "contentHeld", hash, dataType: "blob", size: 3 }],
];

const runMessages: Sample[] = [
  [{
    type: "run",
    spec: { ...taskSpec, config },
    outputs: [objectSpec],
    inputs: [{ spec: objectSpec, info: objectInfo, data: bytes }, {
      spec: objectSpec,
      info: objectInfo,
      path: "/p",
    }],
    cwd: "/tmp/x",
    outputPaths: ["/tmp/o"],
    governor: "127.0.0.1:9",
  }],
];

const executorMessages: Sample[] = [
  [{
    type: "result",
    outputs: [
      { data: bytes, contentType: "json", user: {} },
      { file: "/f", dataType: "dir", contentType: "", user: {} },
      { input: 0, user: { u: 1 } },
    ],
    debug: "",
    user: {},
  }],
  [{ type: "error", error: "Error: x", debug: "d", user: {} }],
];

/** Fields whose validator accepts any value. */
const ANYTHING = new Set(["reply.value"]);

/**
 * Checks one protocol: every sample round-trips through `codec` and
 * validates back; every top-level field made wrong is refused, naming it.
 */
function checkProtocol(
  check: Validator<unknown>,
  samples: Sample[],
  codec: (m: unknown) => unknown,
): void {
  for (const [message, validated] of samples) {
    assert.deepEqual(check(codec(message)), validated ?? message, `${message.type} round trip`);
    for (const key of Object.keys(message)) {
      if (key === "type" || ANYTHING.has(`${message.type}.${key}`)) continue;
      const wrong = { ...structuredClone(message), [key]: Symbol("wrong") };
      assert.throws(() => check(wrong), (e: Error) => {
        assert.ok(e instanceof ProtocolError, String(e));
        assert.ok(
          e.message.startsWith(`${message.type}.${key}`),
          `a wrong ${message.type}.${key} is named: ${e.message}`,
        );
        return true;
      });
    }
  }
}

const frame = (m: unknown) => decodeFrame(encodeFrame([m]))[0];
const executorFrame = (m: unknown) => decodeCbor(encodeCbor(m));

Deno.test("every client message round-trips and names its wrong fields", () => {
  checkProtocol(validateClientMessage, clientMessages, frame);
  checkProtocol(validateServerToClient, serverToClient, frame);
});

Deno.test("every governor message round-trips and names its wrong fields", () => {
  checkProtocol(validateGovernorMessage, governorMessages, frame);
  checkProtocol(validateServerToGovernor, serverToGovernor, frame);
});

Deno.test("every executor message round-trips and names its wrong fields", () => {
  checkProtocol(validateRunMessage, runMessages, executorFrame);
  checkProtocol(validateExecutorMessage, executorMessages, executorFrame);
});

Deno.test("nested fields and the packed parts of messages are named too", () => {
  const bad: [Validator<unknown>, unknown, string][] = [
    [
      validateClientMessage,
      { type: "submit", rid: 1, session: 4, tasks: [[1]], objects: [] },
      "submit.tasks[0]: expected a packed task spec",
    ],
    [validateClientMessage, {
      type: "submit",
      rid: 1,
      session: 4,
      tasks: [],
      objects: [[1, "", "", "tree", null, false, null, null]],
    }, 'submit.objects[0][3]: expected "blob" or "dir"'],
    [
      validateGovernorMessage,
      { type: "register", version: 3, address: "a", cpus: 0 },
      "register.cpus: must be at least 1",
    ],
    [
      validateGovernorMessage,
      { ...governorMessages[2]![0], outputs: [{ id: [4, 5], size: "3" }] },
      "finished.outputs[0].size: expected a non-negative integer",
    ],
    [
      validateGovernorMessage,
      { type: "done", report: [4, 3, 1, 0, 5, 3, "h", "x"] },
      "done.report[7]: expected bytes",
    ],
    [validateServerToGovernor, {
      type: "run",
      task: [4, 3, "concat", null, 1, 0, 5, "", "", "blob", "yes"],
    }, "run.task[10]: expected a boolean"],
    [validateServerToGovernor, {
      type: "assign",
      task: { spec: { ...taskSpec, name: undefined }, outputs: [objectSpec] },
    }, "assign.task.spec.name: expected a string"],
    [validateServerToGovernor, {
      type: "assign",
      task: { spec: taskSpec, outputs: [{ id: [4, 5], label: "" }] },
    }, "assign.task.outputs[0].contentType: expected a string"],
    [validateRunMessage, {
      ...runMessages[0]![0],
      spec: { ...taskSpec, config: { ...config, params: { x: { load: 1 } } } },
    }, "run.spec.config.params.x.load: expected a boolean"],
    [validateExecutorMessage, {
      type: "result",
      outputs: [{ file: "/f", dataType: "tree", contentType: "", user: {} }],
      debug: "",
      user: {},
    }, 'result.outputs[0].dataType: expected "blob" or "dir"'],
  ];
  for (const [check, v, message] of bad) {
    assert.throws(() => check(v), (e: Error) => {
      assert.ok(e instanceof ProtocolError, String(e));
      assert.equal(e.message, message);
      return true;
    });
  }
  assert.throws(
    () => validateClientMessage({ type: "nope" }),
    /Unknown client message type "nope"/,
  );
  assert.throws(
    () => validateExecutorMessage({ type: "nope" }),
    /Unknown executor message type "nope"/,
  );
});

/** A sample reply to each request type. */
const replySamples: { [K in keyof typeof replies]: unknown } = {
  newSession: 4,
  submit: null,
  wait: {
    tasks: [{ n: 3, state: "finished", info: taskInfo }, { n: 4, state: "submitted", info: null }],
    objects: [{ n: 5, state: "removed", info: { ...objectInfo, governor: "127.0.0.1:9" } }],
  },
  waitAll: null,
  fetch: { info: objectInfo, data: bytes },
  corrupt: null,
  unkeep: null,
  update: { tasks: [{ n: 3, state: "running", info: taskInfo }], objects: [] },
  closeSession: null,
  progress: { waiting: 1, ready: 2, running: 3, finished: 4, failed: 0, state: "open" },
  serverInfo: {
    governors: [{ id: "127.0.0.1:9", cpus: 2, tasks: [[4, 3]], objects: [[4, 5]], memory: 3 }],
    contents: { count: 1, bytes: 7, uploads: 1, hits: 2, bytesNotSent: 14 },
  },
  contents: [{ governor: "127.0.0.1:9", upload: true }],
};

Deno.test("every reply the client reads round-trips and names its wrong fields", () => {
  for (const [type, sample] of Object.entries(replySamples)) {
    const check: Validator<unknown> = replies[type as keyof typeof replies];
    const travelled = (frame({ type: "reply", rid: 1, value: sample }) as { value: unknown }).value;
    assert.deepEqual(check(travelled), sample, `${type} reply round trip`);
    const root = `${type} reply`;
    if (sample === null || typeof sample !== "object") {
      assert.throws(
        () => validate(check, "wrong", root),
        new RegExp(`^ProtocolError: ${root}: expected`),
      );
      continue;
    }
    for (const key of Object.keys(sample)) {
      const wrong = Array.isArray(sample)
        ? sample.map((x, i) => String(i) === key ? Symbol("wrong") : x)
        : { ...structuredClone(sample), [key]: Symbol("wrong") };
      const field = Array.isArray(sample) ? `${root}[${key}]` : `${root}.${key}`;
      assert.throws(() => validate(check, wrong, root), (e: Error) => {
        assert.ok(e instanceof ProtocolError);
        assert.ok(e.message.startsWith(`${field}: `), e.message);
        return true;
      });
    }
  }
  assert.throws(
    () =>
      validate(
        replies.wait,
        { tasks: [{ n: 1, state: "lost", info: null }], objects: [] },
        "wait reply",
      ),
    /wait reply\.tasks\[0\]\.state: expected "submitted" or "running" or "finished" or "failed"/,
  );
  assert.throws(
    () => validate(replies.fetch, { info: { ...objectInfo, size: -1 } }, "fetch reply"),
    /fetch reply\.info\.size: expected a non-negative integer/,
  );
});

Deno.test("the remote config round-trips and names its wrong fields", () => {
  assert.deepEqual(remoteConfig(executorFrame(config)), config);
  for (const key of Object.keys(config)) {
    const wrong = { ...structuredClone(config), [key]: Symbol("wrong") };
    assert.throws(() => validate(remoteConfig, wrong, "config"), new RegExp(`config\\.${key}`));
  }
  assert.throws(
    () => validate(remoteConfig, { ...config, fn: { module: "m" } }, "config"),
    /config\.fn\.exportName: expected a string/,
  );
});
