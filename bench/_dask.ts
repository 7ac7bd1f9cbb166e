/**
 * Runs a Dask baseline: a Python script under Debian's system interpreter
 * (`/usr/bin/python3`, where `python3-distributed` is installed) that prints
 * one number as its last line.
 *
 * @module
 */
import { spawn } from "node:child_process";

/**
 * Runs a Python script and reads the number it prints last.
 *
 * @param script The Python source.
 * @param args Its arguments.
 * @returns The number, or a string saying why there is none.
 */
export function runDask(script: string, args: string[]): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/python3", ["-c", script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "", err = "";
    child.stdout.on("data", (c) => out += c);
    child.stderr.on("data", (c) => err += c);
    child.on("error", (e) => resolve(`cannot run python3: ${e.message}`));
    child.on("close", (code) => {
      const value = Number(out.trim().split("\n").pop());
      resolve(
        code === 0 && value > 0
          ? value
          : `dask failed (code ${code}): ${err.trim().split("\n").slice(-3).join(" ")}`,
      );
    });
  });
}
