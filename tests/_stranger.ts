/**
 * Runs `tests/fixtures/stranger.mjs`: a process that knows a server's and a
 * governor's addresses and an object's id but has no token file (a home of
 * its own), as a second local user or another machine would be. It tries
 * every endpoint and prints what each attempt gave.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./_runtime_process.ts";

/** What the stranger fixture printed. */
export interface StrangerResult {
  /** Connecting a client and running a session. */
  client: { ok?: string; error?: string };
  /** Starting a governor against the server. */
  governor: { ok?: string; error?: string };
  /** HTTP status of `/api/info`. */
  info: number;
  /** HTTP status of the server's `/`. */
  root: number;
  /** HTTP status of the object on the governor's data server. */
  object: number;
}

/** How and against what the stranger runs. */
export interface StrangerRun {
  /** The command before the fixture's path: a runtime and its arguments, maybe wrapped. */
  command: string[];
  /** Path of the library's entry module on that runtime (`mod.ts`, or the bundle's). */
  mod: string;
  /** Path of the governor's module on that runtime. */
  governorMod: string;
  /** The server's `host:port`. */
  server: string;
  /** The governor's `host:port`. */
  governor: string;
  /** An object's path on the governor's data server (`/objects/S/N`). */
  objectPath: string;
  /** `RAIN_TOKEN` (empty: none). */
  rainToken: string;
}

/**
 * Runs the stranger fixture and asserts it exited with 0.
 *
 * @param run The command and the addresses.
 * @returns What it printed last.
 */
export async function runStranger(run: StrangerRun): Promise<StrangerResult> {
  const home = await mkdtemp(join(tmpdir(), "rain-stranger-"));
  try {
    const [cmd, ...pre] = run.command;
    const child = new Deno.Command(cmd!, {
      args: [
        ...pre,
        `${ROOT}tests/fixtures/stranger.mjs`,
        pathToFileURL(run.mod).href,
        pathToFileURL(run.governorMod).href,
        run.server,
        run.governor,
        run.objectPath,
      ],
      cwd: ROOT,
      env: { HOME: home, XDG_RUNTIME_DIR: "", RAIN_TOKEN: run.rainToken },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const [out, err] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    const { code } = await child.status;
    assert.equal(code, 0, `the stranger fixture failed:\n${out}\n${err}`);
    return JSON.parse(out.trim().split("\n").at(-1)!);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
