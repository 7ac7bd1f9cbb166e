/**
 * The synthetic tasks a prestarted executor runs before its first real one.
 * V8 optimises a function only after it ran many times, so a fresh
 * executor (and the governor's side of its protocol) ran the first few
 * hundred remote tasks of a session at about half speed; these tasks take
 * the same paths (a frame each way, validation, a compiled function called
 * with an argument, a result encoded) while the governor waits for work.
 *
 * @module
 */
import { join } from "node:path";
import type { RunMessage } from "../protocol/executor.ts";
import { encodeRemoteArgs } from "../protocol/remote_args.ts";

/** Synthetic tasks per prestarted executor (about 0.1 s of cpu). */
export const WARM_UP_TASKS = 300;

/** Session id of the synthetic tasks: never a real session's (those start at 1). */
const WARM_UP_SESSION = 0;

/**
 * The `i`-th synthetic task for an executor: a trivial function of one
 * number, returning a short string (no files, no inputs).
 *
 * @param dir The executor's task directory.
 * @param i The task's number.
 * @returns The run message.
 */
export function warmUpMessage(dir: string, i: number): RunMessage {
  const output = {
    id: [WARM_UP_SESSION, 2 * i + 1] as [number, number],
    label: "0",
    contentType: "",
    dataType: "blob" as const,
    user: {},
  };
  return {
    type: "run",
    spec: {
      id: [WARM_UP_SESSION, 2 * i],
      taskType: "remote",
      config: {
        fn: { source: "(_ctx, x) => String(x + 1)" },
        args: encodeRemoteArgs([i], () => undefined),
        inputs: [],
        params: {},
        autoLoad: false,
        encode: [""],
      },
      inputs: [],
      outputs: [output.id],
      resources: { cpus: 1 },
      name: "warm-up",
      user: {},
    },
    outputs: [output],
    inputs: [],
    outputPaths: [join(dir, "warm-up-output")],
    governor: "",
    cwd: dir,
  };
}
