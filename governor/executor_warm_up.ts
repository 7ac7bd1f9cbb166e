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

/** What {@linkcode remoteRunMessage} needs to know of a remote-function task. */
export interface RemoteRun {
  /** The task's id; its one output's id is the next number. */
  id: [session: number, n: number];
  /** The function's source. */
  source: string;
  /** Its arguments, encoded (`protocol/remote_args.ts`). */
  args: Uint8Array;
  /** Where the executor writes the output's file, if it makes one. */
  outputPath: string;
  /** The task's name. */
  name: string;
}

/**
 * A run message for a remote function with no inputs and one blob output:
 * the synthetic tasks' shape (and the executor pool tests').
 *
 * @param run The task.
 * @returns The run message, without the working directory.
 */
export function remoteRunMessage(run: RemoteRun): Omit<RunMessage, "cwd"> {
  const [session, n] = run.id;
  const output = {
    id: [session, n + 1] as [number, number],
    label: "0",
    contentType: "",
    dataType: "blob" as const,
    user: {},
  };
  return {
    type: "run",
    spec: {
      id: run.id,
      taskType: "remote",
      config: {
        fn: { source: run.source },
        args: run.args,
        inputs: [],
        params: {},
        autoLoad: false,
        encode: [""],
      },
      inputs: [],
      outputs: [output.id],
      resources: { cpus: 1 },
      name: run.name,
      user: {},
    },
    outputs: [output],
    inputs: [],
    outputPaths: [run.outputPath],
    governor: "",
  };
}

/**
 * The `i`-th synthetic task for an executor: a trivial function of one
 * number, returning a short string (no files, no inputs).
 *
 * @param dir The executor's task directory.
 * @param i The task's number.
 * @returns The run message.
 */
export function warmUpMessage(dir: string, i: number): RunMessage {
  const message = remoteRunMessage({
    id: [WARM_UP_SESSION, 2 * i],
    source: "(_ctx, x) => String(x + 1)",
    args: encodeRemoteArgs([i], () => undefined),
    outputPath: join(dir, "warm-up-output"),
    name: "warm-up",
  });
  return { ...message, cwd: dir };
}
