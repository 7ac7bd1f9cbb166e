/**
 * A ready-made progress bar for scripts: draws a session's progress on
 * stderr, redrawn in place on a terminal, a line every few seconds
 * otherwise (logs, CI), and a last line when the tasks are done.
 *
 * @module
 */
import { runtime } from "../runtime/mod.ts";
import type { Progress, ProgressOptions } from "./progress.ts";
import type { Session } from "./session.ts";

/** Options of {@linkcode progressBar}. */
export interface ProgressBarOptions extends ProgressOptions {
  /** Characters of the bar itself. @default {30} */
  width?: number;
  /** Where the text goes. @default {stderr} */
  write?: (text: string) => void;
  /** Redraw one line in place (`\r`) rather than print lines. @default {whether stderr is a terminal} */
  inPlace?: boolean;
  /** Least time between two printed lines when not drawing in place (ms). @default {2000} */
  lineIntervalMs?: number;
}

/**
 * Formats one progress report as a line: a bar, the percentage of tasks
 * ended (finished or failed), the counts and the time so far.
 *
 * @example
 * ```ts ignore
 * formatProgress(p, 20, 1500); // "[######--------------]  30%  300/1000 tasks  running 4  failed 0  1.5 s"
 * ```
 *
 * @param p The report.
 * @param width Characters of the bar.
 * @param elapsedMs Time since the bar started.
 * @returns The line (no newline).
 */
export function formatProgress(p: Progress, width: number, elapsedMs: number): string {
  const ended = p.finished + p.failed;
  const ratio = p.total === 0 ? 1 : ended / p.total;
  const filled = Math.round(ratio * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  const state = p.state === "failed" ? "  FAILED" : "";
  return `[${bar}] ${percent}  ${ended}/${p.total} tasks  running ${p.running}  ` +
    `failed ${p.failed}  ${(elapsedMs / 1000).toFixed(1)} s${state}`;
}

/**
 * Shows a session's progress until its submitted tasks are done (or it
 * failed). Call it after `submit()`; `waitAll()` afterwards reports a
 * failure as usual.
 *
 * @example Show progress, then wait
 * ```ts ignore
 * await session.submit();
 * await progressBar(session);
 * await session.waitAll();
 * ```
 *
 * @param session The session.
 * @param options Looks and where it goes.
 * @returns The last report.
 */
export async function progressBar(
  session: Session,
  options: ProgressBarOptions = {},
): Promise<Progress> {
  const write = options.write ?? ((text: string) => runtime.writeStderr(text));
  const inPlace = options.inPlace ?? (options.write ? false : runtime.stderrIsTerminal());
  const width = options.width ?? 30;
  const every = options.lineIntervalMs ?? 2000;
  const start = Date.now();
  let printed = 0;
  let last: Progress | undefined;
  for await (const p of session.progress(options)) {
    last = p;
    const line = formatProgress(p, width, Date.now() - start);
    if (inPlace) write(`\r\x1b[2K${line}${p.done ? "\n" : ""}`);
    else if (p.done || Date.now() - printed >= every) {
      write(`${line}\n`);
      printed = Date.now();
    }
  }
  return last!;
}
