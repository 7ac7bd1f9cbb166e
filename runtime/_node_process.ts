/**
 * The process-level parts of the seam over `node:process`, shared by the
 * Node and Bun seams.
 *
 * @module
 */
import process from "node:process";
import type { Runtime } from "./types.ts";

/** Signals, arguments, environment and exit over `node:process`. */
export const nodeProcess: Pick<Runtime, "onShutdownSignal" | "args" | "env" | "exit"> = {
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
};
