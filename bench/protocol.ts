/**
 * Protocol decode cost: the messages that come once per task (a submit's
 * packed tasks, packed built-in tasks sent to a governor, `done` and
 * `started` reports), encoded into frames, then decoded and validated (and
 * unpacked) as the receiver does; best and median CPU time of 30 runs, per
 * task.
 *
 * Run: `deno run -A bench/protocol.ts`
 *
 * @module
 */
import process from "node:process";
import { decodeFrame, encodeFrame } from "../protocol/codec.ts";
import { validateClientMessage } from "../protocol/client.ts";
import { packSubmitObject, packTaskSpec } from "../protocol/submit_packing.ts";
import { validateGovernorMessage, validateServerToGovernor } from "../protocol/governor.ts";
import { packReport } from "../protocol/packed_report.ts";
import type { ObjectSpec, TaskSpec } from "../common/attributes.ts";

const N = 10_000;

const S = 3;

function submitFrame(): Uint8Array {
  const tasks = [];
  const objects = [];
  objects.push(packSubmitObject(spec(0), false, new Uint8Array([1, 2, 3])));
  for (let i = 0; i < N; i++) {
    const t: TaskSpec = {
      id: [S, 1 + 2 * i],
      taskType: "concat",
      config: null,
      inputs: [{ id: [S, 0], label: "" }, { id: [S, 0], label: "" }],
      outputs: [[S, 2 + 2 * i]],
      resources: { cpus: 1 },
      user: {},
      name: "",
    };
    tasks.push(packTaskSpec(t));
    objects.push(packSubmitObject(spec(2 + 2 * i), false, null));
  }
  return encodeFrame([{ type: "submit", rid: 1, session: S, tasks, objects }]);
}

function spec(n: number): ObjectSpec {
  return { id: [S, n], label: "", contentType: "", dataType: "blob", user: {} };
}

function runFrame(): Uint8Array {
  const small = new Uint8Array([1, 2, 3]);
  const messages = [];
  for (let i = 0; i < N; i++) {
    messages.push({
      type: "run",
      task: [
        S,
        i,
        "concat",
        null,
        1,
        2,
        0,
        "",
        "",
        small,
        "",
        1,
        "",
        "10.0.0.1:7",
        null,
        "",
        i + N,
        "",
        "",
        "blob",
        false,
      ],
    });
  }
  return encodeFrame(messages);
}

function reportFrame(): Uint8Array {
  const messages = [];
  for (let i = 0; i < N; i++) {
    messages.push({
      type: "done",
      report: packReport([S, i], { startTime: 1e12, duration: 0 }, [{
        id: [S, i + N],
        size: 6,
        hash: "xxh128:0123456789abcdef0123456789abcdef",
        data: new Uint8Array(6),
      }]),
    });
    messages.push({ type: "started", id: [S, i], startTime: 1e12 });
  }
  return encodeFrame(messages);
}

function time(name: string, frame: Uint8Array, decode: (frame: Uint8Array) => void): void {
  for (let w = 0; w < 20; w++) decode(frame);
  // CPU time, not wall time: the figures should not depend on what else the machine runs.
  const runs: number[] = [];
  for (let r = 0; r < 30; r++) {
    const start = process.cpuUsage();
    decode(frame);
    const used = process.cpuUsage(start);
    runs.push((used.user + used.system) / 1000);
  }
  runs.sort((a, b) => a - b);
  const ns = (ms: number) => (ms * 1e6 / N).toFixed(0);
  console.log(
    `${name}: best ${ns(runs[0]!)} ns, median ${ns(runs[runs.length >> 1]!)} ns per task`,
  );
}

const submit = submitFrame();
const run = runFrame();
const reports = reportFrame();
time("submit: decode", submit, (f) => decodeFrame(f));
const submitMessages = decodeFrame(submit);
time("submit: validate+unpack", submit, () => {
  for (const m of submitMessages) validateClientMessage(m);
});
time("run: decode", run, (f) => decodeFrame(f));
const runMessages = decodeFrame(run);
time("run: validate+unpack", run, () => {
  for (const m of runMessages) validateServerToGovernor(m);
});
time("done+started: decode", reports, (f) => decodeFrame(f));
const reportMessages = decodeFrame(reports);
time("done+started: validate+unpack", reports, () => {
  for (const m of reportMessages) validateGovernorMessage(m);
});
