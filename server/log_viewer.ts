/**
 * Opens a past run's event log in the dashboard (`rain dashboard LOG`): the
 * file is replayed into a fresh monitor, which the dashboard's routes serve
 * as they would a live server's (read-only; nothing is running).
 *
 * @module
 */
import type { Hono } from "npm:hono@^4.10.0";
import { newToken } from "../common/auth.ts";
import { removeTokenFile, writeTokenFile } from "../common/token_file.ts";
import { runtime } from "../runtime/mod.ts";
import { authMiddleware } from "./auth.ts";
import { addDashboardRoutes } from "./dashboard/routes.ts";
import { findLogFile, readLogFile } from "./events/log_file.ts";
import { createMonitoring, type Monitoring, type RetentionOptions } from "./monitoring.ts";

/** Options of {@linkcode startLogViewer}. */
export interface LogViewerOptions {
  /** A log file, or a `--log-dir` directory (its newest file is opened). */
  path: string;
  /** Address to bind. @default {"127.0.0.1"} */
  hostname?: string;
  /** Port to bind; 0 picks a free one. @default {0} */
  port?: number;
  /** How much of the log is kept in memory. @default {tasks: Infinity, sessions: Infinity} */
  retention?: RetentionOptions;
  /** Log sink (refused requests). @default {() => {}} */
  log?: (message: string) => void;
  /**
   * Write the secret to this user's token file for the bound address, as
   * `rain server` does (so `rain status` finds it); removed by `close()`.
   * @default {false}
   */
  tokenFile?: boolean;
}

/** A dashboard showing a log file. */
export interface LogViewer {
  /** The bound address. */
  hostname: string;
  /** The bound port. */
  port: number;
  /** The log file shown. */
  file: string;
  /**
   * The secret every request must carry, like a live server's (a run's log
   * shows its sessions and tasks): open `/dashboard/?token=...` once.
   */
  token: string;
  /** The replayed events and what they built. */
  monitoring: Monitoring;
  /** Stops serving. */
  close(): Promise<void>;
}

/**
 * Replays a log file into a new monitor.
 *
 * @example Count the sessions of a run
 * ```ts ignore
 * const m = await replayLogFile("logs/rain-2025-01-01T00-00-00-000Z.ndjson");
 * console.log(m.monitor.sessions.size);
 * ```
 *
 * @param file The log file.
 * @param retention How much is kept (everything by default).
 * @returns The monitoring built from its events.
 */
export async function replayLogFile(
  file: string,
  retention: RetentionOptions = {},
): Promise<Monitoring> {
  const m = createMonitoring({
    retention: { tasks: Infinity, sessions: Infinity, events: 100_000, ...retention },
  });
  for await (const { seq: _seq, time, ...e } of readLogFile(file)) m.events.record(e, time);
  return m;
}

/**
 * Serves the dashboard for a past run's log.
 *
 * @param options The log and where to listen.
 * @returns The running viewer.
 */
export async function startLogViewer(options: LogViewerOptions): Promise<LogViewer> {
  const file = await findLogFile(options.path);
  const monitoring = await replayLogFile(file, options.retention);
  const token = newToken();
  const listening = await runtime.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    build: (app: Hono) => {
      app.use("*", authMiddleware(token, new Set(), options.log ?? (() => {})));
      addDashboardRoutes(app, { ...monitoring, source: file });
      app.get("/", (c) => c.redirect("/dashboard/"));
    },
  });
  const tokenFile = options.tokenFile
    ? await writeTokenFile(listening.hostname, listening.port, token)
    : null;
  return {
    hostname: listening.hostname,
    port: listening.port,
    file,
    token,
    monitoring,
    async close() {
      monitoring.close();
      await listening.close();
      if (tokenFile !== null) await removeTokenFile(tokenFile);
    },
  };
}
