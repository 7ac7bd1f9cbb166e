/**
 * Everything fed by a server's event stream, wired together: the in-memory
 * log, the monitor, the dashboard's live feed, the log lines and (with a log
 * directory) the log file.
 *
 * @module
 */
import { EventLog } from "./events/event_log.ts";
import { attachLogLines, type LogLevel } from "./events/log_lines.ts";
import { LogFileWriter } from "./events/log_file.ts";
import { LiveFeed } from "./dashboard/live_feed.ts";
import { Monitor, type Retention } from "./monitor/monitor.ts";

/** How much a server remembers. */
export interface RetentionOptions extends Retention {
  /** Most events kept in memory (`GET /api/events`). @default {100000} */
  events?: number;
}

/** Options of {@linkcode createMonitoring}. */
export interface MonitoringOptions {
  /** Log lines sink; events are logged at `logLevel`. */
  log?: (message: string) => void;
  /** How much is logged. @default {"normal"} */
  logLevel?: LogLevel;
  /** How much history is kept in memory. */
  retention?: RetentionOptions;
}

/** A server's event stream and what it feeds. */
export interface Monitoring {
  /** The event stream (in-memory log). */
  events: EventLog;
  /**
   * The monitor: the state the dashboard and `rain status` show.
   *
   * @ignore
   */
  monitor: Monitor;
  /**
   * The dashboard's live feed.
   *
   * @ignore
   */
  feed: LiveFeed;
  /**
   * The log file, once {@linkcode Monitoring.writeTo} opened one.
   *
   * @ignore
   */
  logFile: LogFileWriter | null;
  /**
   * Appends every later event to a new file in a directory.
   *
   * @param dir The directory (made when missing).
   * @returns The file's path.
   */
  writeTo(dir: string): Promise<string>;
  /** Ends the live feed's streams and closes the log file. */
  close(): Promise<void>;
}

/**
 * Makes a server's event stream with its monitor, live feed and log lines.
 *
 * @param options Logging and retention.
 * @returns The parts; `events` is what the coordinator emits to.
 */
export function createMonitoring(options: MonitoringOptions = {}): Monitoring {
  const events = new EventLog(options.retention?.events);
  const monitor = new Monitor(events, options.retention);
  const feed = new LiveFeed(events, monitor);
  const log = options.log;
  if (log) attachLogLines(events, monitor, options.logLevel ?? "normal", log);
  const m: Monitoring = {
    events,
    monitor,
    feed,
    logFile: null,
    async writeTo(dir) {
      const file = await LogFileWriter.create(dir, (e) => (log ?? console.error)(e.message));
      m.logFile = file;
      events.on((e, time, seq) => file.write(e, time, seq));
      return file.path;
    },
    async close() {
      feed.close();
      await m.logFile?.close();
    },
  };
  return m;
}
