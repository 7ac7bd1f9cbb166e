/**
 * The process-level parts of the seam over `node:process`, shared by the
 * Node and Bun seams.
 *
 * @module
 */
import process from "node:process";
import { setImmediate } from "node:timers";
import type { Runtime } from "./types.ts";

/** Signals, arguments, environment, exit, memory, stderr and turns over `node:process`. */
export const nodeProcess: Pick<
  Runtime,
  | "onShutdownSignal"
  | "args"
  | "env"
  | "exit"
  | "residentMemory"
  | "nextTurn"
  | "writeStderr"
  | "stderrIsTerminal"
> = {
  onShutdownSignal(handler) {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
  args: () => process.argv.slice(2),
  env: (name) => process.env[name],
  exit: (code) => process.exit(code),
  residentMemory: () => process.memoryUsage.rss(),
  nextTurn: (callback) => void setImmediate(callback),
  writeStderr: (text) => void process.stderr.write(text),
  stderrIsTerminal: () => process.stderr.isTTY === true,
};
