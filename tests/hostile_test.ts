/**
 * Hostile input through the raw client protocol: every malformed or
 * malicious submit is refused with an error naming the field or the task
 * and its cause (a protocol error closes only that connection; an invalid
 * graph or config fails only its session), and the server and governor go
 * on serving.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Cluster, startCluster } from "./_cluster.ts";
import { encode, type Message, RawClient } from "./_raw_client.ts";
import { checkConcat } from "./_util.ts";

/** A packed task spec: `[n, type, config, cpus, name, user, inputCount, ...inputs, ...outputs]`. */
function task(
  n: number,
  taskType: string,
  config: unknown,
  inputs: number[],
  outputs: number[],
  extra: { cpus?: unknown; user?: unknown } = {},
): unknown[] {
  const ins = inputs.flatMap((i) => [i, ""]);
  return [n, taskType, config, extra.cpus ?? 1, "", extra.user ?? null, inputs.length, ...ins]
    .concat(outputs);
}

/** A packed object: `[n, label, contentType, dataType, user, keep, data, hash]`. */
function obj(
  n: number,
  o: { contentType?: string; dataType?: string; keep?: boolean; data?: Uint8Array } = {},
): unknown[] {
  const { contentType = "", dataType = "blob", keep = false, data = null } = o;
  return [n, "", contentType, dataType, null, keep, data, null];
}

const ONE = new Uint8Array([1]);

/** A one-entry tar archive whose entry is named `name` (no checks: hostile on purpose). */
function tarWith(name: string): Uint8Array {
  const enc = new TextEncoder();
  const header = new Uint8Array(512);
  const field = (at: number, text: string) => header.set(enc.encode(text), at);
  field(0, name);
  field(100, "0000644\0");
  field(108, "0000000\0");
  field(116, "0000000\0");
  field(124, "00000000001\0");
  field(136, "00000000000\0");
  field(148, "        ");
  header[156] = 48; // "0": a file
  field(257, "ustar\0");
  field(263, "00");
  field(148, `${header.reduce((a, b) => a + b, 0).toString(8).padStart(6, "0")}\0 `);
  const out = new Uint8Array(512 * 4);
  out.set(header);
  out[512] = 120; // "x"
  return out;
}

/** Deeply nested user data, which decodes but could not be encoded again. */
function deep(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

/** Each case: what is sent (given the session id) and what must come back. */
const CASES: [string, (s: number) => { tasks: unknown[]; objects: unknown[] }, RegExp][] = [
  ["an unknown task type", () => ({
    tasks: [task(0, "nosuch", null, [], [1])],
    objects: [obj(1, { keep: true })],
  }), /Task nosuch \d+\/0 failed: Unknown task type "nosuch"/],
  ["an input that is no object of the session", () => ({
    tasks: [task(0, "concat", null, [55], [1])],
    objects: [obj(1)],
  }), /Invalid submit to session \d+: input object \d+\/55 is unknown/],
  ["a cycle (a task reading its own output)", () => ({
    tasks: [task(0, "concat", null, [1], [1])],
    objects: [obj(1, { keep: true })],
  }), /input object \d+\/1 of task \d+\/0 is made by a later task/],
  ["an output declared by no object", () => ({
    tasks: [task(0, "concat", null, [], [77])],
    objects: [],
  }), /output object \d+\/77 of task \d+\/0 is not in this submit/],
  ["negative cpus", () => ({
    tasks: [task(0, "concat", null, [], [1], { cpus: -1 })],
    objects: [obj(1)],
  }), /Protocol error: submit\.tasks\[0\]\[3\]: expected a non-negative integer/],
  ["NaN cpus", () => ({
    tasks: [task(0, "concat", null, [], [1], { cpus: NaN })],
    objects: [obj(1)],
  }), /Protocol error: submit\.tasks\[0\]\[3\]: expected a non-negative integer/],
  ["a huge task number", () => ({
    tasks: [task(2 ** 60, "concat", null, [], [1])],
    objects: [obj(1)],
  }), /Protocol error: submit\.tasks\[0\]\[0\]: expected a non-negative integer/],
  ["more cpus than any governor", () => ({
    tasks: [task(0, "concat", null, [], [1], { cpus: 2 ** 40 })],
    objects: [obj(1)],
  }), /needs \d+ cpus/],
  ["a sleep of NaN seconds", () => ({
    tasks: [task(0, "sleep", { seconds: NaN }, [2], [1])],
    objects: [obj(1, { keep: true }), obj(2, { data: ONE })],
  }), /Invalid sleep config: config\.seconds: expected a number/],
  ["a negative sleep", () => ({
    tasks: [task(0, "sleep", { seconds: -5 }, [2], [1])],
    objects: [obj(1, { keep: true }), obj(2, { data: ONE })],
  }), /Invalid sleep config: config\.seconds: must not be negative/],
  ["a sleep of 10^12 seconds", () => ({
    tasks: [task(0, "sleep", { seconds: 1e12 }, [2], [1])],
    objects: [obj(1, { keep: true }), obj(2, { data: ONE })],
  }), /Invalid sleep config: config\.seconds: must be at most 2147483\.647/],
  ["user data nested 1,000 levels deep", () => ({
    tasks: [task(0, "concat", null, [], [1], { user: { v: deep(1000) } })],
    objects: [obj(1)],
  }), /Protocol error: submit\.tasks\[0\]\[5\]: nested deeper than 100 levels/],
  ["an invalid content type", () => ({
    tasks: [],
    objects: [obj(1, { contentType: "no/such type!", data: ONE, keep: true })],
  }), /object \d+\/1: Unknown content type "no\/such type!"/],
  ["a relative load path", () => ({
    tasks: [task(0, "load", { path: "../../etc/passwd" }, [], [1])],
    objects: [obj(1, { keep: true })],
  }), /Invalid load config: config\.path: must be an absolute path/],
  ["a store path of the wrong type", () => ({
    tasks: [task(0, "store", { path: 42 }, [2], [])],
    objects: [obj(2, { data: ONE })],
  }), /Invalid store config: config\.path: expected a string/],
  ["makeDirectory with a path leaving the directory", () => ({
    tasks: [task(0, "makeDirectory", { paths: ["../evil"] }, [2], [1])],
    objects: [obj(1, { keep: true, dataType: "dir" }), obj(2, { data: ONE })],
  }), /MakeDirectory path "\.\.\/evil" leaves the directory/],
  ["sliceDirectory with a path leaving the directory", () => ({
    tasks: [task(0, "sliceDirectory", { path: "../../etc/passwd" }, [2], [1])],
    objects: [obj(1, { keep: true }), obj(2, { dataType: "dir", data: tarWith("ok.txt") })],
  }), /sliceDirectory path "\.\.\/\.\.\/etc\/passwd" leaves the directory/i],
  ["a dir constant whose tar entry leaves the directory", () => ({
    tasks: [task(0, "sliceDirectory", { path: "evil" }, [2], [1])],
    objects: [obj(1, { keep: true }), obj(2, { dataType: "dir", data: tarWith("../evil") })],
  }), /Cannot store directory object \d+\/2: .*"\.\.\/evil" leaves the directory/],
  ["a truncated tar archive", () => ({
    tasks: [task(0, "sliceDirectory", { path: "x" }, [2], [1])],
    objects: [obj(1, { keep: true }), obj(2, { dataType: "dir", data: new Uint8Array(100) })],
  }), /Cannot store directory object \d+\/2: Tar archive is truncated/],
  ["an execute input path leaving its directory", () => ({
    tasks: [task(
      0,
      "execute",
      {
        args: ["cat", "x"],
        shell: false,
        inputs: [{ path: "../../x", write: false }],
        outputs: [{ stdout: true }],
        stdin: -1,
      },
      [2],
      [1],
    )],
    objects: [obj(1, { keep: true }), obj(2, { data: ONE })],
  }), /Input path "\.\.\/\.\.\/x" leaves the directory/],
  ["an absolute execute output path", () => ({
    tasks: [task(
      0,
      "execute",
      {
        args: ["true"],
        shell: false,
        inputs: [],
        outputs: [{ path: "/etc/passwd" }],
        stdin: -1,
      },
      [],
      [1],
    )],
    objects: [obj(1, { keep: true })],
  }), /Output path "\/etc\/passwd" is absolute/],
  ["an execute config of the wrong shape", () => ({
    tasks: [task(0, "execute", { args: 5 }, [], [1])],
    objects: [obj(1, { keep: true })],
  }), /Invalid execute config: config\.args: expected an array/],
  ["an execute stdin that is no input", () => ({
    tasks: [task(
      0,
      "execute",
      {
        args: ["cat"],
        shell: false,
        inputs: [],
        outputs: [{ stdout: true }],
        stdin: 7,
      },
      [],
      [1],
    )],
    objects: [obj(1, { keep: true })],
  }), /Invalid execute config: config\.stdin: no input 7/],
  ["a remote config of the wrong shape", () => ({
    tasks: [task(0, "remote", { nonsense: true }, [], [1])],
    objects: [obj(1, { keep: true })],
  }), /Invalid remote config: config\.fn: expected an object/],
];

/** Sends one hostile submit on a fresh connection; returns the first error that came back. */
async function attempt(
  cluster: Cluster,
  build: (s: number) => { tasks: unknown[]; objects: unknown[] },
): Promise<string> {
  await using raw = new RawClient(cluster.address, cluster.token);
  await raw.opened;
  await raw.hello();
  const session = (await raw.request({ type: "newSession", rid: 1, name: "hostile" }))
    .value as number;
  raw.send(encode([{ type: "submit", rid: 2, session, ...build(session) }]));
  const submitted: Message = await raw.next();
  if (submitted.type === "error") return submitted.message!;
  raw.send(encode([{ type: "waitAll", rid: 3, session }]));
  const waited = await raw.next();
  assert.equal(waited.type, "error", `accepted and ran: ${JSON.stringify(waited)}`);
  return waited.message!;
}

Deno.test("hostile submits are refused with clear errors; the server and governor go on", async () => {
  await using cluster = await startCluster();
  for (const [name, build, expected] of CASES) {
    const message = await attempt(cluster, build);
    assert.match(message, expected, `${name}: ${message}`);
  }
  const proto = Object.prototype as Record<string, unknown>;
  const polluting = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"x": 1}}');
  assert.equal(
    await attempt(cluster, () => ({
      tasks: [task(0, "nosuch", null, [], [1], { user: polluting })],
      objects: [obj(1, { keep: true })],
    })).then((m) => /Unknown task type/.test(m)),
    true,
  );
  assert.equal(proto.polluted, undefined, "no prototype was polluted");
  await using session = cluster.client.newSession();
  await checkConcat(session, "still ", "serving");
});
