/**
 * Governors on other hosts: one `ssh HOST` (or `srun` step on a Slurm
 * node) per host, each running the script of `governor_script.ts`. Their
 * output is logged with the host's name; closing ends their stdin, which
 * stops each governor cleanly, then kills what is left.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Readable } from "node:stream";
import { governorScript, shellQuote } from "./governor_script.ts";

/** A host to start a governor on. */
export interface GovernorHost {
  /** What `ssh` or `srun --nodelist` is given (`[USER@]HOST` for ssh). */
  host: string;
  /** Its cpus, when the batch system says them. */
  cpus?: number | undefined;
}

/** How remote governors are started. */
export interface RemoteGovernorOptions {
  /** The launcher: `ssh HOST SCRIPT`, or `srun` steps inside a Slurm job. */
  via: "ssh" | "srun";
  /** The server's `host:port` as the hosts reach it. */
  server: string;
  /** The command running `rain` on each host (`--governor-command`). */
  command?: string | undefined;
  /** Cpus of every governor (`--cpus`; else the host's own, else the machine's). */
  cpus?: number | undefined;
  /** Work directory on every host. */
  workDir?: string | undefined;
  /** Heap limit of executors (MB). */
  executorMemoryMb?: number | undefined;
  /** The server's token, handed to each governor through its stdin. */
  token?: string | undefined;
  /** Log sink. */
  log(message: string): void;
}

/** Remote governors being run. */
export interface RemoteGovernors {
  /** The hosts. */
  hosts: string[];
  /** Stops every remote governor. */
  close(): Promise<void>;
}

/** How long (ms) a governor may take to stop after its stdin ended before it is killed. */
const STOP_GRACE_MS = 5000;

/**
 * The command line that starts the governor of one host.
 *
 * @param h The host.
 * @param o The launcher's options.
 * @returns Program and arguments.
 */
export function launchCommand(h: GovernorHost, o: RemoteGovernorOptions): string[] {
  const cpus = o.cpus ?? h.cpus;
  const script = governorScript({
    command: o.command,
    server: o.server,
    // The name the launcher reaches the host by is the one others reach it by.
    advertise: h.host.replace(/^.*@/, ""),
    cpus,
    workDir: o.workDir,
    executorMemoryMb: o.executorMemoryMb,
    token: o.token !== undefined,
  });
  if (o.via === "srun") {
    return [
      "srun",
      "--nodes=1",
      "--ntasks=1",
      `--nodelist=${h.host}`,
      ...(cpus ? [`--cpus-per-task=${cpus}`] : []),
      "sh",
      "-c",
      script,
    ];
  }
  // BatchMode: a host that would ask for a password fails instead of hanging.
  return ["ssh", "-o", "BatchMode=yes", h.host, `exec sh -c ${shellQuote(script)}`];
}

/**
 * Starts one governor per host.
 *
 * @param hosts The hosts.
 * @param options Launcher, server, governor options and token.
 * @returns The running governors.
 */
export function startRemoteGovernors(
  hosts: GovernorHost[],
  options: RemoteGovernorOptions,
): RemoteGovernors {
  let stopping = false;
  const children = hosts.map((h) => {
    const [cmd, ...args] = launchCommand(h, options);
    const child = spawn(cmd!, args, { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin!.on("error", () => {}); // A launcher that died: its exit is logged.
    if (options.token !== undefined) child.stdin!.write(`${options.token}\n`);
    for (const stream of [child.stdout!, child.stderr!]) forwardLines(stream, h.host, options.log);
    const exited = new Promise<void>((resolve) => {
      child.once("error", (e) => {
        options.log(`Cannot start a governor on ${h.host}: ${cmd}: ${e.message}`);
        resolve();
      });
      child.once("close", (code, signal) => {
        if (!stopping) {
          options.log(
            `Governor on ${h.host} exited with ${signal ? `signal ${signal}` : `code ${code}`}`,
          );
        }
        resolve();
      });
    });
    return { child, exited };
  });
  return {
    hosts: hosts.map((h) => h.host),
    async close() {
      stopping = true;
      await Promise.all(children.map(({ child, exited }) => stop(child, exited)));
    },
  };
}

/** Ends a launcher's stdin (the governor stops), then kills it if it lingers. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  child.stdin!.end();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), STOP_GRACE_MS));
  if (await Promise.race([exited, late]) === "late") child.kill("SIGKILL");
  clearTimeout(timer);
  await exited;
}

function forwardLines(
  stream: Readable,
  host: string,
  log: (message: string) => void,
): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) if (line) log(`[${host}] ${line.replace(/^rain: /, "")}`);
  });
}

/**
 * Whether a program is on the PATH.
 *
 * @param name The program.
 * @param path The PATH.
 * @returns `true` when an executable of that name is found.
 */
export function onPath(name: string, path: string | undefined): boolean {
  return (path ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || ".", name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
