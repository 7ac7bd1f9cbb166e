/**
 * The process-level parts of the seam over `node:process`, shared by the
 * Node and Bun seams.
 *
 * @module
 */
import process from "node:process";
import type { Runtime } from "./types.ts";

/** Signals, arguments, environment, exit, memory and stderr over `node:process`. */
export const nodeProcess: Pick<
  Runtime,
  | "onShutdownSignal"
  | "args"
  | "env"
  | "exit"
  | "residentMemory"
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
  writeStderr: (text) => void process.stderr.write(text),
  stderrIsTerminal: () => process.stderr.isTTY === true,
};
