/**
 * {@linkcode Runtime.spawn} over `node:child_process`, shared by the Node and
 * Bun seams.
 *
 * @module
 */
import { spawn as spawnChild } from "node:child_process";
import process from "node:process";
import { createReadStream, createWriteStream } from "node:fs";
import { constants } from "node:os";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { SpawnOptions, SpawnResult } from "./types.ts";
import { readTail } from "./_stderr_tail.ts";
import { canTrackTrees, killTree, newTag, TAG_VARIABLE } from "./_process_tree.ts";

/**
 * {@linkcode Runtime.spawn} over `node:child_process` (Node and Bun alike).
 *
 * @param options What to run.
 * @returns How it ended, with the tail of its stderr.
 */
export function spawnProcess(
  { cmd, args, cwd, stdin, stdout, signal }: SpawnOptions,
): Promise<SpawnResult> {
  return new Promise<SpawnResult>((resolve, reject) => {
    // Stopping it also stops what it started: found by its tag (see _process_tree.ts), or
    // where that cannot be done, as its own process group.
    const tag = canTrackTrees ? newTag() : "";
    const child = spawnChild(cmd, args, {
      cwd,
      stdio: [stdin ? "pipe" : "ignore", stdout ? "pipe" : "ignore", "pipe"],
      ...tag ? { env: { ...process.env, [TAG_VARIABLE]: tag } } : { detached: true },
    });
    const kill = () => {
      if (tag && child.pid) return killTree(child.pid, tag);
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already exited.
      }
    };
    if (signal?.aborted) kill();
    signal?.addEventListener("abort", kill, { once: true });
    child.once("close", () => signal?.removeEventListener("abort", kill));
    let failed = false;
    child.once("error", (e: Error & { code?: string }) => {
      failed = true;
      reject(
        e.code === "ENOENT" ? Object.assign(new Error(`${cmd}: not found`), { code: "ENOENT" }) : e,
      );
    });
    const io: Promise<unknown>[] = [];
    const tail = readTail(Readable.toWeb(child.stderr!) as ReadableStream<Uint8Array>);
    tail.catch(() => {});
    if (stdin && child.stdin) {
      child.stdin.on("error", () => {}); // EPIPE when the program does not read it all
      const input = createReadStream(stdin);
      input.on("error", () => child.stdin!.end());
      input.pipe(child.stdin);
    }
    if (stdout && child.stdout) {
      const written = pipeline(child.stdout, createWriteStream(stdout));
      written.catch(() => {});
      io.push(written);
    }
    child.once("close", (code: number | null, sig: string | null) => {
      if (failed) return;
      Promise.all([tail, ...io]).then(([stderr]) =>
        resolve({
          code: code ?? 128 + (constants.signals[sig as keyof typeof constants.signals] ?? 0),
          signal: sig,
          stderr: stderr as Uint8Array,
        }), reject);
    });
  });
}
