/**
 * The event log on disk (`--log-dir DIR`): one NDJSON file per server run,
 * `DIR/rain-<start time>.ndjson`, one event per line in the format of
 * {@linkcode LoggedEvent} (`{"seq":1,"time":...,"type":"server:started",...}`).
 * Lines are written in batches off the hot path; a file can be read back
 * (also while it is still being written) with {@linkcode readLogFile}.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { EventLog } from "./event_log.ts";
import type { LoggedEvent, RainEvent } from "./event_map.ts";

/** Bytes of lines gathered before they are written without waiting for the timer. */
const BATCH_BYTES = 1 << 20;

/** Most time a line waits before it is written (ms). */
const BATCH_MS = 200;

/**
 * Formats one event as its log line (without the newline).
 *
 * @param e The event.
 * @param time When it happened.
 * @param seq Its number.
 * @returns The JSON line.
 */
export function formatEventLine(e: RainEvent, time: number, seq: number): string {
  return `{"seq":${seq},"time":${time},${JSON.stringify(e).slice(1)}`;
}

/** An open log file being appended to. */
export class LogFileWriter {
  /** The file's path. */
  readonly path: string;
  readonly #file: FileHandle;
  readonly #onError: (e: Error) => void;
  #lines: string[] = [];
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failed = false;

  private constructor(path: string, file: FileHandle, onError: (e: Error) => void) {
    this.path = path;
    this.#file = file;
    this.#onError = onError;
  }

  /**
   * Creates a new log file in a directory (made when missing).
   *
   * @param dir The directory.
   * @param onError Called once if writing fails (the log then stops).
   * @returns The writer.
   */
  static async create(dir: string, onError: (e: Error) => void): Promise<LogFileWriter> {
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    for (let k = 0;; k++) {
      const path = join(dir, `rain-${stamp}${k ? `-${k}` : ""}.ndjson`);
      try {
        return new LogFileWriter(path, await open(path, "wx"), onError);
      } catch (e) {
        if ((e as { code?: string }).code !== "EEXIST") {
          throw new Error(`Cannot create event log in "${dir}": ${(e as Error).message}`);
        }
      }
    }
  }

  /**
   * Appends an event (written within {@linkcode BATCH_MS}).
   *
   * @param e The event.
   * @param time When it happened.
   * @param seq Its number.
   */
  write(e: RainEvent, time: number, seq: number): void {
    if (this.#failed) return;
    const line = formatEventLine(e, time, seq);
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    if (this.#bytes >= BATCH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), BATCH_MS);
  }

  #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return this.#writing;
    const text = this.#lines.join("\n") + "\n";
    this.#lines = [];
    this.#bytes = 0;
    this.#writing = this.#writing.then(async () => {
      if (this.#failed) return;
      try {
        await this.#file.write(text);
      } catch (e) {
        this.#failed = true;
        this.#onError(new Error(`Cannot write event log "${this.path}": ${(e as Error).message}`));
      }
    });
    return this.#writing;
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    await this.#flush();
    await this.#file.close();
  }
}

/** A log file that a server's events are being appended to. */
export interface FollowedLogFile {
  /** The file's path. */
  readonly path: string;
  /** Stops following the events, writes what is left and closes the file. */
  close(): Promise<void>;
}

/**
 * Appends every later event of a stream to a new log file in a directory.
 *
 * @example The log of a server's monitoring
 * ```ts ignore
 * const file = await writeLogFile(monitoring.events, "logs", (e) => console.error(e.message));
 * // ... later
 * await file.close();
 * ```
 *
 * @param events The event stream.
 * @param dir The directory (made when missing).
 * @param onError Called once if writing fails (the log then stops).
 * @returns The file being written.
 */
export async function writeLogFile(
  events: EventLog,
  dir: string,
  onError: (e: Error) => void,
): Promise<FollowedLogFile> {
  const file = await LogFileWriter.create(dir, onError);
  const stop = events.on((e, time, seq) => file.write(e, time, seq));
  return {
    path: file.path,
    close() {
      stop();
      return file.close();
    },
  };
}

/**
 * Reads a log file's events in order. A last line cut short (a server that
 * died mid-write) is skipped; any other line that is not an event throws.
 *
 * @example Count a run's finished tasks
 * ```ts ignore
 * let n = 0;
 * for await (const e of readLogFile("logs/rain-2025-01-01T00-00-00-000Z.ndjson")) {
 *   if (e.type === "task:finished") n++;
 * }
 * ```
 *
 * @param path The file.
 * @returns The events.
 */
export async function* readLogFile(path: string): AsyncGenerator<LoggedEvent> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let pending: { line: string; n: number; error: string } | null = null;
  let n = 0;
  for await (const line of lines) {
    n++;
    if (pending) {
      throw new Error(`Cannot read event log "${path}": line ${pending.n}: ${pending.error}`);
    }
    if (line === "") continue;
    let e: LoggedEvent;
    try {
      e = JSON.parse(line);
    } catch (err) {
      pending = { line, n, error: (err as Error).message };
      continue;
    }
    if (typeof e?.type !== "string" || typeof e.time !== "number" || typeof e.seq !== "number") {
      throw new Error(`Cannot read event log "${path}": line ${n} is not an event`);
    }
    yield e;
  }
}

/**
 * Finds the log file to open: the file itself, or the newest `rain-*.ndjson`
 * in a directory.
 *
 * @param path A log file or a `--log-dir` directory.
 * @returns The file's path.
 * @throws {Error} When there is no log file there.
 */
export async function findLogFile(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new Error(`Cannot open event log "${path}": ${(e as Error).message}`);
  }
  if (!info.isDirectory()) return path;
  // The names start with the ISO start time, so the newest sorts last.
  const names = (await readdir(path)).filter((f) => /^rain-.*\.ndjson$/.test(f)).sort();
  const last = names.at(-1);
  if (!last) throw new Error(`Cannot open event log: no rain-*.ndjson file in "${path}"`);
  return join(path, last);
}
