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
export async function runDask(script: string, args: string[]): Promise<number | string> {
  const figures = await runDaskFigures(script, args, 1);
  return typeof figures === "string" ? figures : figures[0]!;
}

/**
 * Runs a Python script and reads the numbers it prints on its last lines.
 *
 * @param script The Python source.
 * @param args Its arguments.
 * @param count How many lines (numbers) to read from the end.
 * @returns The numbers in printed order, or a string saying why there are none.
 */
export function runDaskFigures(
  script: string,
  args: string[],
  count: number,
): Promise<number[] | string> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/python3", ["-c", script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "", err = "";
    child.stdout.on("data", (c) => out += c);
    child.stderr.on("data", (c) => err += c);
    child.on("error", (e) => resolve(`cannot run python3: ${e.message}`));
    child.on("close", (code) => {
      const values = out.trim().split("\n").slice(-count).map(Number);
      resolve(
        code === 0 && values.length === count && values.every((v) => v > 0)
          ? values
          : `dask failed (code ${code}): ${err.trim().split("\n").slice(-3).join(" ")}`,
      );
    });
  });
}
