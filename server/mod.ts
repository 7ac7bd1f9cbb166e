/**
 * The Rain server.
 *
 * @example Start a server
 * ```ts ignore
 * import { startServer } from "./mod.ts";
 * const server = await startServer({ port: 7210 });
 * ```
 *
 * @module
 */
export { DEFAULT_SERVER_PORT, type RainServer, type ServerOptions, startServer } from "./server.ts";
export { createServerApp, type RepeatTimer, type ServerApp, type ServerAppOptions } from "./app.ts";
export {
  type LogViewer,
  type LogViewerOptions,
  replayLogFile,
  startLogViewer,
} from "./log_viewer.ts";
export { findLogFile, readLogFile } from "./events/log_file.ts";
export type {
  EventMap,
  EventName,
  LoggedEvent,
  RainEvent,
  SubmittedObject,
} from "./events/event_map.ts";
export { type EventListener, EventLog } from "./events/event_log.ts";
export type { LogLevel } from "./events/log_lines.ts";
export type { Monitoring, RetentionOptions } from "./monitoring.ts";
export type { Retention } from "./monitor/monitor.ts";
export { DEFAULT_LIMITS, type ServerLimits } from "./limits.ts";
export type { CoreOptions } from "./core.ts";
export type { ServerTls, WsClient } from "../runtime/types.ts";
