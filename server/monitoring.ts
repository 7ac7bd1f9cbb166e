/**
 * Everything fed by a server's event stream, wired together: the in-memory
 * log, the monitor, the dashboard's live feed and the log lines. The log file
 * (`--log-dir`) is the business of a host with a disk (`startServer`, through
 * `events/log_file.ts`), so that this module runs on the edge too.
 *
 * @module
 */
import { EventLog } from "./events/event_log.ts";
import { attachLogLines, type LogLevel } from "./events/log_lines.ts";
import { LiveFeed } from "./dashboard/live_feed.ts";
import { Monitor, type Retention } from "./monitor/monitor.ts";

/** How much a server remembers. */
export interface RetentionOptions extends Retention {
  /** Most events kept in memory (`GET /api/events`). @default {100000} */
  events?: number | undefined;
}

/** Options of {@linkcode createMonitoring}. */
export interface MonitoringOptions {
  /** Log lines sink; events are logged at `logLevel`. */
  log?: ((message: string) => void) | undefined;
  /** How much is logged. @default {"normal"} */
  logLevel?: LogLevel | undefined;
  /** How much history is kept in memory. */
  retention?: RetentionOptions | undefined;
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
  /** Ends the live feed's streams (open ones would keep an HTTP server from stopping). */
  close(): void;
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
  if (options.log) attachLogLines(events, monitor, options.logLevel ?? "normal", options.log);
  return { events, monitor, feed, close: () => feed.close() };
}
