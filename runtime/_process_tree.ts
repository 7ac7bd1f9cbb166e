/**
 * Stopping everything a spawned program started, without giving it a process
 * group of its own.
 *
 * A process group (`detached: true`) makes Deno fork the whole runtime
 * instead of `posix_spawn`ing the program, which cuts the spawn rate 4–5× on
 * a 2-core machine. Instead, each program gets a unique tag in its
 * environment, which every process it starts inherits; stopping it freezes
 * (SIGSTOP) the program, every descendant found through `/proc` parent links
 * and every process carrying the tag (orphans re-parented away, e.g.
 * `(sleep 9 &)`), repeating until no new one appears, so nothing can fork
 * away meanwhile; then kills them all (SIGKILL). A process escapes only by
 * both leaving the tree and clearing its environment. Where `/proc` is
 * missing (not Linux), programs get a process group as before.
 *
 * Kills asked for in one event-loop turn share one scan of `/proc`.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import process from "node:process";

/** The environment variable that carries a program's tag. */
export const TAG_VARIABLE = "RAIN_PROGRAM";

/** Whether process trees can be found here (`/proc` with parent links and environments). */
export const canTrackTrees: boolean = existsSync("/proc/self/stat") &&
  existsSync("/proc/self/environ");

let counter = 0;
/** The programs to stop at the end of this turn: tag → pid. */
const pending = new Map<string, number>();

/**
 * A tag no other program of this process has.
 *
 * @returns The tag, for the program's environment (`RAIN_PROGRAM=<tag>`).
 */
export function newTag(): string {
  return `${process.pid}-${++counter}`;
}

/**
 * Stops a program and everything it started, at the end of this event-loop
 * turn.
 *
 * @param pid The program's process.
 * @param tag Its tag.
 */
export function killTree(pid: number, tag: string): void {
  if (pending.size === 0) setTimeout(flush, 0);
  pending.set(tag, pid);
}

function signal(pid: number, sig: "SIGSTOP" | "SIGKILL"): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // Gone already.
  }
}

/** The parent pid in `/proc/<pid>/stat` (the field after the parenthesised name). */
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ", 3)[1]);
  } catch {
    return 0;
  }
}

/** Whether a process's environment carries one of the tags. */
function isTagged(pid: number, prefix: Uint8Array, tags: Set<string>): boolean {
  let env: Uint8Array;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false; // Gone, or another user's.
  }
  const at = indexOf(env, prefix);
  if (at < 0) return false;
  const start = at + prefix.length;
  const end = env.indexOf(0, start);
  return tags.has(new TextDecoder().decode(env.subarray(start, end < 0 ? env.length : end)));
}

/** Where `needle` starts a variable (offset 0 or after a NUL) in `env`, or -1. */
function indexOf(env: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = env.indexOf(needle[0]!); i >= 0; i = env.indexOf(needle[0]!, i + 1)) {
    if (i > 0 && env[i - 1] !== 0) continue;
    for (let j = 1; j < needle.length; j++) if (env[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function flush(): void {
  const tags = new Set(pending.keys());
  // Every process found so far; each was sent SIGSTOP (a failure means it is gone or not ours).
  const found = new Set(pending.values());
  pending.clear();
  for (const pid of found) signal(pid, "SIGSTOP");
  const prefix = new TextEncoder().encode(`${TAG_VARIABLE}=`);
  // Stopped processes cannot fork: once a pass finds no new one, none is left.
  for (let more = true; more;) {
    more = false;
    for (const name of readdirSync("/proc")) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || found.has(pid) || pid === process.pid) continue;
      if (found.has(parentOf(pid)) || isTagged(pid, prefix, tags)) {
        found.add(pid);
        signal(pid, "SIGSTOP");
        more = true;
      }
    }
  }
  for (const pid of found) signal(pid, "SIGKILL");
}
