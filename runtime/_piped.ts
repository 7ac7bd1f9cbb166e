/**
 * {@linkcode PipedProcess} over `node:child_process` (Node and Bun alike).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import type { PipedProcess, ScriptOptions } from "./types.ts";

/**
 * Starts a module with the current executable (`process.execPath`) and its
 * flags (`process.execArgv`, e.g. Node's `--experimental-strip-types`).
 *
 * @param options The script, its arguments and working directory.
 * @param execPath The runtime executable.
 * @param execArgv Flags for the runtime.
 * @returns The running process.
 */
export function spawnPiped(
  { script, args, cwd }: ScriptOptions,
  execPath: string,
  execArgv: string[],
): PipedProcess {
  const path = script.startsWith("file:") ? fileURLToPath(script) : script;
  const child = spawn(execPath, [...execArgv, path, ...args], {
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<{ code: number; signal: string | null }>((resolve) => {
    child.once("error", () => resolve({ code: 127, signal: null }));
    child.once("close", (code: number | null, sig: string | null) =>
      resolve({
        code: code ?? 128 + (constants.signals[sig as keyof typeof constants.signals] ?? 0),
        signal: sig,
      }));
  });
  child.stdin!.on("error", () => {});
  const proc: PipedProcess = {
    pid: child.pid ?? -1,
    write: (data) => void child.stdin!.write(data),
    onStdout: () => {},
    onStderr: () => {},
    exited,
    kill: (signal = "SIGKILL") => void child.kill(signal),
  };
  child.stdout!.on("data", (c: Uint8Array) => proc.onStdout(c));
  child.stderr!.on("data", (c: Uint8Array) => proc.onStderr(c));
  return proc;
}
