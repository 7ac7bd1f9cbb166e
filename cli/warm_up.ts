/**
 * A synthetic warm-up of the server's hot paths, run by the command line
 * before the server listens: V8 compiles a function for speed only after it
 * ran many times, so without it the first graph a user submits runs at about
 * half the speed of the later ones (see README, "Performance").
 *
 * It drives a throwaway coordinator, with its own event stream and monitor,
 * through the code a real client and governor reach over their WebSockets:
 * frames are encoded (or, for the governor of `rain start`, handed over
 * unencoded, as its in-process link does), decoded and validated as they
 * would be, the graph is built, scheduled, packed, run, reported finished
 * and freed, kept outputs are fetched and unkept. With `governor` (`rain start`, whose governors run
 * in its process) the tasks run on a throwaway governor membership (its
 * runner, store and built-ins, in a temporary directory removed after);
 * else reports are made up. Nothing of it is seen by clients, the dashboard
 * or the event log, and no program runs.
 *
 * @module
 */
import { type Id, NO_USER, ONE_CPU } from "../common/attributes.ts";
import { hashBytes } from "../common/content_hash.ts";
import type { ClientMessage } from "../protocol/client.ts";
import { setImmediate } from "node:timers";
import { decodeFrame, encodeFrame, PROTOCOL_VERSION } from "../protocol/codec.ts";
import { DirectFrame, offerDirect } from "../protocol/direct_frame.ts";
import {
  GOVERNOR_PROTOCOL_VERSION,
  type GovernorMessage,
  validateServerToGovernor,
} from "../protocol/governor.ts";
import { packReport } from "../protocol/packed_report.ts";
import type { AssignedTask } from "../protocol/assigned_task.ts";
import { packSubmitObject, packTaskSpec } from "../protocol/submit_packing.ts";
import { validateServerToClient } from "../protocol/client.ts";
import type { WsConnection } from "../runtime/types.ts";
import { ClientLink } from "../server/client_link.ts";
import { Coordinator } from "../server/coordinator.ts";
import { governorHandler } from "../server/governor_handler.ts";
import { resolveLimits } from "../server/limits.ts";
import { createMonitoring } from "../server/monitoring.ts";
import { FsRoots } from "../governor/fs_roots.ts";
import { Membership } from "../governor/membership.ts";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Tasks per synthetic submit (a client sends a large submit in parts of this size). */
const PART = 2000;
/** Most turns of the event loop the warm-up may take before it gives up. */
const MAX_TURNS = 100_000;

/** What the warm-up did. */
export interface WarmUpResult {
  /** Synthetic tasks run. */
  tasks: number;
  /** How long it took (ms). */
  ms: number;
}

/**
 * Runs `rounds` synthetic submits of `tasks` independent concat tasks, each
 * followed by `tasks / 100` one-task submit→fetch→unkeep round trips, on a
 * throwaway coordinator (and governor).
 *
 * @example
 * ```ts ignore
 * const { tasks, ms } = await warmUp(true);
 * console.log(`Warmed up with ${tasks} synthetic tasks in ${ms.toFixed(0)} ms`);
 * ```
 *
 * @param withGovernor Whether the tasks run on a throwaway governor
 *   membership (for a process that runs governors), or reports are made up.
 * @param tasks Independent tasks per round.
 * @param rounds Rounds.
 * @returns How many tasks ran and how long it took.
 * @throws {Error} When the throwaway coordinator does not finish them (a bug).
 */
export async function warmUp(
  withGovernor: boolean,
  tasks = 5000,
  rounds = 2,
): Promise<WarmUpResult> {
  const start = performance.now();
  const monitoring = createMonitoring({});
  const coordinator = new Coordinator(monitoring.events);
  const context = { dataToken: null, limits: resolveLimits(), log: () => {}, peer: "127.0.0.1" };
  const replies = new Map<number, unknown>();
  const clientConn: WsConnection = {
    send(frame) {
      for (const raw of decodeFrame(frame)) {
        const m = validateServerToClient(raw);
        if (m.type === "reply") replies.set(m.rid, m.value);
        else if (m.type !== "welcome") throw new Error(`Warm-up failed: ${JSON.stringify(m)}`);
      }
    },
    close() {},
  };
  const governor = governorHandler(coordinator, context);
  const membership = withGovernor
    ? await Membership.create({
      dir: await mkdtemp(join(tmpdir(), "rain-warm-up-")),
      ownDir: true,
      cpus: 2,
      address: "127.0.0.1:1",
      access: { tls: false },
      fsRoots: FsRoots.ANYWHERE,
    })
    : null;
  // The governor's reports go back batched per turn, as its outbox sends them.
  let reports: GovernorMessage[] = [];
  const report = (m: GovernorMessage) => {
    if (reports.length === 0) {
      setImmediate(() => {
        // As the in-process link of `rain start` hands them over (`direct_frame.ts`), or encoded.
        const frame = membership
          ? new DirectFrame(reports) as unknown as Uint8Array
          : encodeFrame(reports);
        reports = [];
        governor.onMessage(governorConn, frame);
      });
    }
    reports.push(m);
  };
  membership?.attach({
    send: report,
    registered: Promise.resolve(null),
    closed: new Promise(() => {}),
    close() {},
  });
  const governorConn: WsConnection = {
    send(frame) {
      for (const raw of decodeFrame(frame)) {
        const m = validateServerToGovernor(raw);
        if (m.type === "registered" || m.type === "refused") continue;
        if (membership) membership.handle(m);
        else if (m.type === "run") report(madeUpReport(m.task));
      }
    },
    close() {},
  };
  if (membership) {
    offerDirect(
      governorConn,
      (ms) => governorConn.send(new DirectFrame(ms) as unknown as Uint8Array),
    );
  }
  const client = new ClientLink(
    clientConn,
    coordinator,
    context,
    "127.0.0.1:0",
    monitoring.monitor,
  );
  let rid = 0;
  const send = (m: ClientMessage) => client.onFrame(encodeFrame([m]));
  /** Sends a request (checked by the server's validator, as a client's) and waits for its reply. */
  const request = async (m: { type: string; [field: string]: unknown }): Promise<unknown> => {
    const r = ++rid;
    send({ ...m, rid: r } as ClientMessage);
    for (let turn = 0; !replies.has(r); turn++) {
      if (turn > MAX_TURNS) throw new Error(`Warm-up failed: no reply to ${m.type}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const value = replies.get(r);
    replies.delete(r);
    return value;
  };
  try {
    governor.onMessage(
      governorConn,
      encodeFrame([{
        type: "register",
        version: GOVERNOR_PROTOCOL_VERSION,
        address: "127.0.0.1:1",
        cpus: 2,
      }]),
    );
    send({ type: "hello", version: PROTOCOL_VERSION });
    const session = await request({ type: "newSession", name: "warm-up" }) as number;
    let n = 0;
    const object = (keep: boolean, data: Uint8Array | null) => {
      const spec = {
        id: [session, n++] as Id,
        label: "",
        contentType: "",
        dataType: "blob" as const,
        user: NO_USER,
      };
      return { spec, packed: packSubmitObject(spec, keep, data, data && hashBytes(data)) };
    };
    const concat = (a: Id, keep: boolean) => {
      const out = object(keep, null);
      const spec = {
        id: [session, n++] as Id,
        taskType: "concat",
        config: null,
        inputs: [{ id: a, label: "" }, { id: a, label: "" }],
        outputs: [out.spec.id],
        resources: ONE_CPU,
        user: NO_USER,
        name: "",
      };
      return { task: packTaskSpec(spec), output: out };
    };
    for (let r = 0; r < rounds; r++) {
      const constant = object(true, new Uint8Array(6));
      const parts = [];
      for (let i = 0; i < tasks; i += PART) {
        const part = {
          tasks: [] as unknown[],
          objects: i === 0 ? [constant.packed] : [] as unknown[],
        };
        for (let k = i; k < Math.min(tasks, i + PART); k++) {
          const c = concat(constant.spec.id, false);
          part.tasks.push(c.task);
          part.objects.push(c.output.packed);
        }
        parts.push(part);
      }
      const submitted = parts.map((p, i) =>
        request({ type: "submit", session, ...p, more: i < parts.length - 1 })
      );
      await Promise.all(submitted);
      await request({ type: "waitAll", session });
      for (let i = 0; i < tasks / 100; i++) {
        const c = concat(constant.spec.id, true);
        await request({ type: "submit", session, tasks: [c.task], objects: [c.output.packed] });
        await request({ type: "fetch", session, id: c.output.spec.id[1] });
        await request({ type: "unkeep", session, ids: [c.output.spec.id[1]] });
      }
    }
    await request({ type: "closeSession", session });
  } finally {
    client.onClose();
    governor.onClose(governorConn);
    monitoring.close();
    await membership?.drop();
  }
  return { tasks: rounds * (tasks + tasks / 100), ms: performance.now() - start };
}

/** A governor's report of a concat task, made up (its kept output reported with data). */
function madeUpReport(t: AssignedTask): GovernorMessage {
  const outputs = t.outputs.map((o, i) => {
    const data = new Uint8Array(12);
    const hash = hashBytes(data);
    return t.keep?.[i] ? { id: o.id, size: 12, hash, data } : { id: o.id, size: 12, hash };
  });
  return {
    type: "done",
    report: packReport(t.spec.id, { startTime: Date.now(), duration: 0 }, outputs)!,
  };
}
